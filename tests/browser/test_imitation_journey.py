"""举报仿冒账号 in Chromium: a citizen finds an unregistered "平安北京" on Weibo through 官方账号查询,
reports it; 北京市 (whose account is nearest by name and platform) finds it in its queue and
settles it as 仿冒; the public aggregate changes."""
import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.verify.conftest import pingan  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def counts(page) -> dict:
    page.goto("/verify/reports/")
    rows = page.get_by_test_id("report-counts").locator("tbody tr[data-status]")
    return {rows.nth(i).get_attribute("data-status"): int(rows.nth(i).locator("td").nth(1).inner_text())
            for i in range(rows.count())}


def test_a_citizen_reports_an_imitation_and_the_nearest_unit_settles_it(page, pingan, chain):  # noqa: F811
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    before = counts(page)
    assert before == {"pending": 0, "imitation": 0, "genuine": 0, "handled": 0}

    page.goto("/verify/")
    page.get_by_label("链接或名称").fill("【平安北京】的微博 https://weibo.com/u/7777777777 复制链接打开微博")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("answer-text")).to_have_text("未在系统中登记")
    page.get_by_test_id("report-link").click()
    expect(page.get_by_label("账号链接")).to_have_value("https://weibo.com/u/7777777777")
    page.get_by_label("它自称是").fill("平安北京")
    key = page.locator('input[name="captcha_0"]').get_attribute("value")
    page.get_by_label("验证码").fill(CaptchaStore.objects.get(hashkey=key).response)  # what the image shows
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_test_id("report-done")).to_be_visible()
    expect(page.get_by_test_id("report-counts").locator('tr[data-status="pending"]')).to_contain_text("1")

    page.context.clear_cookies()
    log_in(page, "组织单位", "110000", PASSWORD)
    page.locator('nav[aria-label="主菜单"]').get_by_role("link", name="数据看板").click()
    page.get_by_test_id("imitation-reports").click()  # beside 监测发现, like the other queues of 数据看板
    expect(page.get_by_test_id("tab-pending")).to_contain_text("1")
    row = page.locator("tbody tr", has_text="平安北京")
    expect(row).to_contain_text("https://weibo.com/u/7777777777")
    row.get_by_role("link", name="核查").click()
    buttons = page.get_by_test_id("buttons")
    buttons.locator('form[data-transition="imitation_confirm"] input[name="reason"]').fill("冒用北京市公安局名义")
    buttons.get_by_role("button", name="确认仿冒").click()
    expect(page.locator(".alert-success")).to_contain_text("已确认仿冒")
    expect(page.get_by_test_id("status")).to_have_text("仿冒")
    expect(page.locator("table")).to_contain_text("冒用北京市公安局名义")

    page.context.clear_cookies()
    after = counts(page)
    assert after == {"pending": 0, "imitation": 1, "genuine": 0, "handled": 0}
    assert errors == []
