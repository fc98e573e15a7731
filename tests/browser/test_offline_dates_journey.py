"""In Chromium: a 临时下线 requested for later, approved up the chain, that starts on its 下线日期
and ends on its 恢复开通时间 — the daily job called with those dates (the clock moved)."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _approved_site(tree):
    from tests.websites.test_websites import STEP_ONE, STEP_TWO
    from websites import services
    from websites.models import Website

    haidian, beijing = make_org_user(tree["110108"]), make_org_user(tree["110000"])
    site = services.apply({**STEP_ONE, **STEP_TWO, "org_unit": tree["110108"]}, AnonymousUser())
    services.perform(site, "submit", haidian)
    services.perform(site, "approve", haidian, {"result_label": "审核通过"})
    services.perform(site, "approve", beijing, {"result_label": "审核通过",
                                                "now": timezone.now() - timedelta(days=1)})
    services.generate_site_codes()
    site = Website.objects.get(pk=site.pk)
    site.operator_user.set_password(PASSWORD)
    site.operator_user.save()
    return site


def test_a_temporary_offline_starts_and_ends_on_its_dates(page):
    from websites.models import Website
    from websites.services import apply_due_offline_dates

    tree = make_small_tree()
    site = _approved_site(tree)
    today = timezone.localdate()
    start, reopen = today + timedelta(days=3), today + timedelta(days=10)

    # The operator asks for a temporary offline starting in three days.
    log_in(page, "填报单位", site.site_code, PASSWORD)
    page.wait_for_url("**/websites/mine/")
    # The form loaded, scripts included: its 提交 is checked by the server first (preflight.js).
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="下线申请").click()
    page.locator("#offline_from").fill(start.isoformat())
    page.locator("#offline_until").fill(reopen.isoformat())
    page.locator("#reason").fill("网站改版")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("operator-run")).to_have_text("下线待审核")
    page.get_by_role("button", name="退出").click()

    # 海淀区 then 北京市 approve from the site's page (the buttons the table offers them).
    for unit in ("110108", "110000"):
        log_in(page, "组织单位", unit, PASSWORD)
        page.goto(f"/websites/review/{site.pk}/")
        assert f"临时下线，{start:%Y-%m-%d} 至 {reopen:%Y-%m-%d}" in page.get_by_test_id("offline-request").inner_text()
        assert page.get_by_role("button", name="恢复正常").count() == 0  # a normal site: nothing to restore
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name="同意下线").click()
        page.get_by_text("同意下线。").wait_for()
        if unit == "110108":
            page.get_by_role("button", name="退出").click()
    # Approved, still 正常 until the date.
    page.reload()
    assert page.get_by_test_id("run-status").inner_text() == (
        f"正常（临时下线审核通过，将于{start:%Y-%m-%d}下线，{reopen:%Y-%m-%d}恢复开通）")
    assert page.get_by_role("button", name="同意下线").count() == 0

    # The day before: nothing. On the 下线日期: 临时下线.
    assert apply_due_offline_dates(start - timedelta(days=1))["start_temporary_offline"] == 0
    assert apply_due_offline_dates(start)["start_temporary_offline"] == 1
    page.reload()
    assert page.get_by_test_id("run-status").inner_text() == f"暂时下线恢复开通时间：{reopen:%Y-%m-%d}"
    page.get_by_role("button", name="退出").click()
    log_in(page, "填报单位", site.site_code, PASSWORD)
    page.wait_for_url("**/websites/mine/")
    assert page.get_by_test_id("operator-run").inner_text() == "下线申请通过"
    assert page.get_by_role("link", name="下线申请").count() == 0

    # On the 恢复开通时间: back to 正常, journaled by the system.
    assert apply_due_offline_dates(reopen)["end_temporary_offline"] == 1
    page.reload()
    assert page.get_by_test_id("operator-run").inner_text() == "正常"
    with page.expect_navigation(wait_until="domcontentloaded"):  # the whole journal loaded: count() does not wait
        page.get_by_role("link", name="查看审核流水").click()
    rows = page.locator("table.journal tbody tr")
    assert "临时下线" in rows.nth(rows.count() - 2).inner_text() and "系统" in rows.nth(rows.count() - 2).inner_text()
    last = rows.last.inner_text()
    assert "恢复开通" in last and "系统" in last and "正常" in last
    assert Website.objects.get(pk=site.pk).run_status == "normal"
