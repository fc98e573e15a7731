"""A browser pass over the list pages moved onto the list machinery (issue #24): each opens from
its role's menu or sub-navigation, shows the shared table with its column chooser and export menu,
no cell covers another at 1366 px, the filter bar narrows the rows, and no script error is logged.
Screenshots are kept under test-artifacts/screenshots/."""
import pytest

from tests.browser.everyday_helpers import screenshot, signed_in_context
from tests.browser.test_everyday_layout import OVERLAPS
from tests.everyday import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "gb": ["/spot-checks/overview/", "/notices/", "/journal/", "/websites/offline-reviews/", "/websites/org-units/",
           "/settings/org-users/"],
    "l1": ["/spot-checks/", "/downloads/"],
    "filer": ["/notices/"],
}


def test_the_converted_lists_in_the_browser(browser, live_server):
    data = build()
    for role, urls in PAGES.items():
        context = signed_in_context(browser, live_server, data["users"][role], viewport={"width": 1366, "height": 768})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (role, url)
            assert page.locator(".list-table").count() == 1, (role, url)
            assert page.get_by_role("button", name="显示字段").count() == 1, (role, url)
            assert page.locator(".list-table tbody tr").count() >= 1, (role, url)
            assert page.evaluate(OVERLAPS) == [], (role, url)
            screenshot(page, f"lists-{role}-{url.strip('/').replace('/', '-') or 'home'}")
        assert errors == [], (role, errors)
        context.close()
    # The filter bar narrows 操作日志 (GB: the whole country) and 组织单位信息查询.
    context = signed_in_context(browser, live_server, data["users"]["gb"], viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto("/websites/org-units/")
    page.get_by_label("组织单位代码或名称").fill("GB0000")
    with page.expect_navigation(wait_until="domcontentloaded"):  # the filtered list loaded in full: count() does not wait
        page.get_by_role("button", name="查询").click()
    assert page.locator(".list-table tbody tr").count() == 1 and "GB0000" in page.locator(".list-table tbody").inner_text()
    context.close()
