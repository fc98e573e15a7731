"""Issue 30 §6: a view prints on one page with its footer, and the dashboard opens with its headline
figures. (Every menu page of every role at 1024, 1366 and 390 px is measured in the one walk of
the main pages, tests/browser/test_accessibility.py, each page loaded once.)"""
import pytest

from tests.browser.everyday_helpers import signed_in_context
from tests.everyday import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
