"""One walk of every main page of every role and the public pages, each page loaded once:
- the accessibility pass: axe-core (vendored from npm, tests/browser/vendor/axe.min.js); any
  serious or critical violation fails;
- the screens (issue 30 §6): every menu page is usable at 1366, 1024 and 390 px — nothing runs
  past the right edge, neither the page nor a table (lists become cards on a phone), and at 1366
  every main-menu item stays on one line. The page is measured at each width by resizing the
  window (no script of ours lays out by width: the stylesheet's media queries do). Screenshots of
  every menu page at every width are kept in test-artifacts/screenshots/."""
import os

import pytest
from django.urls import reverse

from govmedia.navigation import menu_for
from tests.browser.everyday_helpers import screenshot, signed_in_context
from tests.everyday import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(0, 3).join(" "))}));
}"""

# The first width is the one each page opens at (and axe runs at).
WIDTHS = ((1366, 768), (1024, 768), (390, 844))

# What runs past the right edge: the page itself, or any element (a table in its scroll box
# included) whose content is wider than the box it sits in, or that starts or ends off screen.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const hits = [];
  if (document.documentElement.scrollWidth > width + 1) hits.push("page " + document.documentElement.scrollWidth);
  document.querySelectorAll("main .table-responsive, main .list-table, main table").forEach(e => {
    if (e.scrollWidth > e.clientWidth + 1) hits.push((e.className || e.tagName) + " " + e.scrollWidth + ">" + e.clientWidth);
  });
  document.querySelectorAll("main *, header *").forEach(e => {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    if (!r.width || style.visibility === "hidden" || e.closest(".dropdown-menu:not(.show), .collapse:not(.show), .modal:not(.show), .visually-hidden")) return;
    if (r.right > width + 1) hits.push(e.tagName + "." + (e.className || "").toString().slice(0, 40) + " right " + Math.round(r.right));
  });
  return hits.slice(0, 8);
}"""
# After a resize: the stylesheet applies at once (measuring lays the page out), a chart redraws
# itself at its new size on the next animation frames (its ResizeObserver, then its own throttle):
# a page with a chart's canvas waits three frames, any other page none.
SETTLED = """() => document.querySelector("canvas") === null ? null
  : new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(done))))"""
MENU_LINE_HEIGHTS = "links => links.map(a => [a.textContent.trim(), a.getBoundingClientRect().height])"

ROLES = ("gb", "l1", "org", "filer", "site", "public")


def menu_pages(user) -> list[tuple[str, str]]:
    return [(item.label, reverse(item.url_name)) for item in menu_for(user)] if user is not None else []


def test_the_pass_covers_every_role_and_more_than_sixty_pages(db):
    data = build()
    assert set(data["pages"]) == set(ROLES)
    assert sum(len(pages) for pages in data["pages"].values()) > 60
    menus = {role: menu_pages(user) for role, user in data["users"].items()}
    assert all(len(menu) >= 3 for menu in menus.values())  # every menu page is walked and measured at each width
    assert sum(len(menu) for menu in menus.values()) >= 30


def fit_problems(page, role: str, label: str, url: str) -> list:
    """The menu page at each width: what runs past the right edge, and (at 1366) a main-menu item on
    two lines; a screenshot at each width. Leaves the page at the first width."""
    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(SETTLED)
        problems += [(role, width, label, hits) for hits in [page.evaluate(OVERFLOW)] if hits]
        if width == 1366:  # every main-menu item on one line (GB's and L1's menus are the longest)
            heights = page.locator('nav[aria-label="主菜单"] .nav-link').evaluate_all(MENU_LINE_HEIGHTS)
            problems += [(role, width, label, f"菜单项“{text}”折行（{h:.0f} px）") for text, h in heights if h > 45]
        screenshot(page, f"fit-{role}-{url.strip('/').replace('/', '-') or 'home'}-{width}")
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    return problems


# One test per role (one browser context each), so the parallel suite spreads the walk over its workers.
@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_passes_axe_and_every_menu_page_fits_at_1366_1024_and_390(browser, live_server, role):
    data = build()
    user = data["users"].get(role)
    menu = dict((url, label) for label, url in menu_pages(user))
    main = {url for _, url in data["pages"][role]}
    pages = data["pages"][role] + [(label, url) for url, label in menu.items() if url not in main]
    found, problems, visited, measured = [], [], 0, 0
    # bypass_csp: axe is a script the test adds to the pages; the pages' own CSP is tested elsewhere.
    context = signed_in_context(browser, live_server, user, bypass_csp=True,
                                viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    # axe is in every document the context opens, before the page's own scripts: handed to the browser
    # once, not sent again with each page (add_script_tag sent its 0.5 MB per page, ~0.17 s each).
    context.add_init_script(path=AXE)
    page = context.new_page()
    for _title, url in pages:
        response = page.goto(url)
        assert response.status == 200, (role, url, response.status)
        for violation in page.evaluate(RUN_AXE):
            found.append(f"{role} {url}: [{violation['impact']}] {violation['id']} — {violation['help']}\n    "
                         + "\n    ".join(violation["nodes"]))
        visited += 1
        if url in menu:
            problems += fit_problems(page, role, menu[url], url)
            measured += 1
    context.close()
    assert visited == len(pages) >= 5
    assert measured == len(menu)
    assert not found, "\n".join(found)
    assert problems == [], "\n".join(map(str, problems))
