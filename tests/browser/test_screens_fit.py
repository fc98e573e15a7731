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


def menu_pages(user):
    return [(item.label, reverse(item.url_name)) for item in menu_for(user)]


@pytest.mark.parametrize("width,height", WIDTHS, ids=[str(w) for w, _ in WIDTHS])  # three tests: xdist spreads them
def test_every_menu_page_of_every_role_fits_at_1024_1366_and_390(browser, live_server, width, height):
    data = build()
    problems, shots = [], 0
    for key, user in data["users"].items():
        context = signed_in_context(browser, live_server, user, viewport={"width": width, "height": height})
        page = context.new_page()
        for label, url in menu_pages(user):
            page.goto(url)
            hits = page.evaluate(OVERFLOW)
            if hits:
                problems.append((key, width, label, hits))
            if width == 1366:  # every main-menu item on one line (GB's and L1's menus are the longest)
                heights = page.locator('nav[aria-label="主菜单"] .nav-link').evaluate_all(
                    "links => links.map(a => [a.textContent.trim(), a.getBoundingClientRect().height])")
                problems += [(key, width, label, f"菜单项“{text}”折行（{height:.0f} px）") for text, height in heights if height > 45]
            screenshot(page, f"fit-{key}-{url.strip('/').replace('/', '-') or 'home'}-{width}")
            shots += 1
        context.close()
    assert problems == [], "\n".join(map(str, problems))
    assert shots >= 30


def pdf_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_view_prints_on_one_page_with_the_footer_and_the_dashboard_opens_with_headline_figures(browser, live_server):
    data = build()
    context = signed_in_context(browser, live_server, data["users"]["org"], viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"/media/{data['normal'].pk}/")
    assert page.get_by_test_id("review-chain").is_visible()
    page.emulate_media(media="print")
    footer = page.get_by_test_id("print-footer")
    assert footer.is_visible() and "海淀区（110108）" in footer.inner_text() and "打印时间" in footer.inner_text()
    pdf = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
    assert pdf_pages(pdf) == 1
    page.emulate_media(media="screen")
    assert page.get_by_test_id("print-footer").is_hidden()
    # A printed list names its filters.
    page.goto("/media/?name=上庄&tab=submitted")
    page.emulate_media(media="print")
    assert "名称搜索：上庄" in page.get_by_test_id("print-footer").inner_text()
    page.emulate_media(media="screen")

    page.goto("/dashboard/")
    figures = {key: page.get_by_test_id(f"headline-{key}").inner_text() for key in ("total", "pending", "overdue", "findings")}
    assert all(figures.values()) and "总数" in figures["total"] and "1" in figures["pending"]
    assert page.evaluate("() => [...document.querySelectorAll('details')].every(d => !d.open)")
    page.get_by_test_id("headline-pending").click()
    page.wait_for_url("**/media/?tab=pending")
    # The header: one unread notice keeps the menu item and its badge on one line; focus is visible.
    header = page.locator("header.app-header")
    badge = page.get_by_test_id("menu-unread")
    if badge.count():
        item = badge.locator("xpath=..")
        assert item.bounding_box()["height"] <= 45
    link = page.locator('nav[aria-label="主菜单"] .nav-link').first
    link.focus()
    assert link.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert header.bounding_box()["height"] <= 140
    context.close()
