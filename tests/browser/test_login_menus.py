import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_labels(page):
    return [t.strip() for t in page.locator('nav[aria-label="主菜单"] .nav-link').all_inner_texts()]


def test_units_of_each_level_log_in_and_see_their_menus(page):
    tree = make_small_tree()
    for code in ("GB0000", "110000", "110108"):
        make_org_user(tree[code])

    log_in(page, "组织单位", "GB0000", PASSWORD)
    page.wait_for_url("**/media/")
    assert page.get_by_test_id("current-unit").inner_text().strip() == "国务院办公厅（GB0000）"
    assert nav_labels(page) == ["新媒体账号信息", "填报单位用户管理", "检查结果信息表", "上报抽查情况", "待核查账号", "政府网站", "数据看板", "下载中心", "操作日志", "消息中心", "用户设置"]
    page.get_by_role("button", name="退出").click()
    # The login page says so (not wait_for_url("**/"): /media/, the page we leave, matches it too).
    expect(page.get_by_text("您已安全退出")).to_be_visible()

    log_in(page, "组织单位", "110000", PASSWORD)
    page.wait_for_url("**/media/")
    assert "北京市（110000）" in page.get_by_test_id("current-unit").inner_text()
    assert nav_labels(page) == ["新媒体账号信息", "填报单位用户管理", "检查结果信息表", "上报抽查情况", "待核查账号", "政府网站", "数据看板", "下载中心", "操作日志", "消息中心", "用户设置"]
    page.get_by_role("button", name="退出").click()

    log_in(page, "组织单位", "110108", PASSWORD)
    page.wait_for_url("**/media/")
    assert "海淀区（110108）" in page.get_by_test_id("current-unit").inner_text()
    assert nav_labels(page) == ["新媒体账号信息", "填报单位用户管理", "检查结果信息表", "待核查账号", "政府网站", "数据看板", "下载中心", "操作日志", "消息中心", "用户设置"]
    # A county unit typing an L1 page's URL by hand is refused.
    response = page.goto("/spot-checks/")
    assert response.status == 403
    assert page.get_by_role("heading", name="403 · 无权访问").is_visible()


def test_a_wrong_password_shows_the_error_and_stays_on_the_login_page(page):
    make_org_user(make_small_tree()["110000"])
    log_in(page, "组织单位", "110000", "Wrong@2026")
    error = page.get_by_test_id("login-error")
    assert error.inner_text().strip() == "用户名或密码错误，请重新输入。"
    assert page.url.endswith("/")  # still the login page
    assert page.get_by_label("用户名", exact=True).input_value() == "110000"
    assert page.get_by_label("密码", exact=True).input_value() == ""
