"""Issue 30 §6: every menu page of every role is usable at 1024, 1366 and 390 px — nothing runs
past the right edge: neither the page nor a table (lists become cards on a phone). Screenshots of
every page at every width are kept in test-artifacts/screenshots/."""
import pytest
from django.urls import reverse

from govmedia.navigation import menu_for
from tests.browser.everyday_helpers import screenshot, signed_in_context
from tests.everyday import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = ((1024, 768), (1366, 768), (390, 844))

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


def menu_pages(role):
    return [(item.label, reverse(item.url_name)) for item in menu_for(role)]


def test_every_menu_page_of_every_role_fits_at_1024_1366_and_390(browser, live_server):
    data = build()
    problems, shots = [], 0
    for key, user in data["users"].items():
        for width, height in WIDTHS:
            context = signed_in_context(browser, live_server, user, viewport={"width": width, "height": height})
            page = context.new_page()
            for label, url in menu_pages(user.role):
                page.goto(url)
                hits = page.evaluate(OVERFLOW)
                if hits:
                    problems.append((key, width, label, hits))
                screenshot(page, f"fit-{key}-{url.strip('/').replace('/', '-') or 'home'}-{width}")
                shots += 1
            context.close()
    for p in problems: print("PROBLEM", p)
    assert problems == []
    assert shots >= 3 * 30
