"""The accessibility pass: axe-core (vendored from npm, tests/browser/vendor/axe.min.js) on every
main page of every role and the public pages; any serious or critical violation fails."""
import os

import pytest

from tests.browser.everyday_helpers import signed_in_context
from tests.everyday import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(0, 3).join(" "))}));
}"""


ROLES = ("gb", "l1", "org", "filer", "site", "public")


def test_the_pass_covers_every_role_and_more_than_sixty_pages(db):
    data = build()
    assert set(data["pages"]) == set(ROLES)
    assert sum(len(pages) for pages in data["pages"].values()) > 60


# One test per role (one browser context each), so the parallel suite spreads the pass over its workers.
@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_serious_or_critical_violation_on_the_main_pages(browser, live_server, role):
    data = build()
    pages = data["pages"][role]
    found, visited = [], 0
    # bypass_csp: the injected axe script is inline; the pages' own CSP is tested elsewhere.
    context = signed_in_context(browser, live_server, data["users"].get(role), bypass_csp=True)
    page = context.new_page()
    for _title, url in pages:
        response = page.goto(url)
        assert response.status == 200, (role, url, response.status)
        page.add_script_tag(path=AXE)
        for violation in page.evaluate(RUN_AXE):
            found.append(f"{role} {url}: [{violation['impact']}] {violation['id']} — {violation['help']}\n    "
                         + "\n    ".join(violation["nodes"]))
        visited += 1
    context.close()
    assert visited == len(pages) >= 5
    assert not found, "\n".join(found)
