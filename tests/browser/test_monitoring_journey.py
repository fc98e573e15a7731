"""A stale account found by the monitoring run, seen by its filer unit, turned into a row of its
检查结果信息表 in the browser; the unit above sees it on 监测发现."""
import re

import pytest
from playwright.sync_api import expect

from monitoring import runner
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree
from tests.monitoring.test_runs import make_account, open_quarter, post_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_account_goes_from_the_finding_to_the_check_sheet(page, monitoring):
    tree = make_small_tree()
    haidian = make_org_user(tree["110108"])
    filer = make_filer(tree["110108"], "海淀区上庄镇政府")
    monitoring.page("/tt/stale", post_page(17))
    make_account(filer, "上庄发布", monitoring.url("/tt/stale"), "A1101080001")
    runner.run_now()
    open_quarter(haidian)

    log_in(page, "填报单位", filer.code, PASSWORD)
    page.goto("/media/")
    expect(page.get_by_test_id("my-findings")).to_contain_text("您的账号 上庄发布：已 17 天未更新")
    page.get_by_role("link", name="查看").first.click()
    findings = page.get_by_test_id("monitoring-findings")
    expect(findings).to_contain_text("监测时间点前2周无更新")
    findings.get_by_role("button", name="转入检查结果信息表").click()
    expect(page.locator(".alert-success")).to_contain_text("“上庄发布”已转入检查结果信息表")
    row = page.locator("tr", has_text="上庄发布")
    expect(row.locator('input[type=radio][value="0"]')).to_be_checked()
    expect(row.locator('input[type=checkbox][value="监测时间点前2周无更新"]')).to_be_checked()

    page.context.clear_cookies()
    log_in(page, "组织单位", "110108", PASSWORD)
    page.locator('nav[aria-label="主菜单"]').get_by_role("link", name="数据看板").click()
    page.get_by_test_id("monitoring-findings").click()  # 监测发现 opens from 数据看板, beside 超期待审核
    expect(page).to_have_url(re.compile(r"/monitoring/$"))
    listed = page.locator("tbody tr", has_text="上庄发布")
    expect(listed).to_contain_text("监测时间点前2周无更新")
    expect(listed).to_contain_text("已转入检查结果")
