"""Issue 28 in Chromium: a filer unit registers an account, places the code shown on 查看 in the
account's 简介 (the fixture server stands in for 今日头条), asks 立即检查 and sees 已验证; once the
account is registered, /verify/ says so."""
import pytest
from playwright.sync_api import expect

from accounts_media.models import MediaAccount
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_filer, make_small_tree
from tests.jobs_helpers import run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = "https://www.toutiao.com/c/user/token/MS4wLjABAAAAshangzhuang/"


def test_a_filer_places_the_code_and_sees_verified_then_verify_shows_it(page, monitoring, settings, monkeypatch):
    import bench.monitoring as routed

    # Every fetch goes to the fixture server (path /<host><path>), as the bench does.
    monkeypatch.setattr(routed, "FIXTURE", {"http": monitoring.http, "https": monitoring.https})
    settings.MONITORING_FETCHER = "bench.monitoring.FixtureFetcher"
    tree = make_small_tree()
    filer = make_filer(tree["110108"], "海淀区上庄镇政府")

    log_in(page, "填报单位", filer.code, PASSWORD)
    page.wait_for_url("**/media/")
    page.get_by_role("link", name="添加账号").click()
    page.locator("#id_operator").fill("海淀区上庄镇政府")
    page.locator("#id_account_type").select_option("TT")
    page.locator("#id_url").fill(LINK)
    page.locator("#id_name").fill("上庄发布")
    page.locator("#id_represents_government_1").check()
    page.get_by_label("信息发布").check()
    page.get_by_role("button", name="提交").click()
    panel = page.get_by_test_id("control-panel")
    expect(panel.get_by_test_id("control-state")).to_have_text("未验证")
    code = panel.get_by_test_id("control-code").inner_text().strip()
    expect(panel).to_contain_text("请将验证码写入账号简介")

    # Asked before the code is placed: still 未验证, with the reason.
    panel.get_by_role("button", name="立即检查").click()
    expect(page.locator(".alert-success")).to_contain_text("已开始检查验证码")
    run_queued_jobs()
    page.reload()
    expect(page.get_by_test_id("control-panel")).to_contain_text("未找到验证码")

    # The unit writes the code into the account's 简介 and asks again.
    bio = f"<html><div class='bio'>海淀区上庄镇人民政府官方账号 {code}</div></html>"
    monitoring.page("/www.toutiao.com/c/user/token/MS4wLjABAAAAshangzhuang/", bio)
    page.get_by_test_id("control-panel").get_by_role("button", name="立即检查").click()
    expect(page.locator(".alert-success")).to_contain_text("已开始检查验证码")  # asked: the job is queued
    run_queued_jobs()
    page.reload()
    panel = page.get_by_test_id("control-panel")
    expect(panel.get_by_test_id("control-state")).to_have_text("已验证")
    expect(panel).to_contain_text("账号简介或置顶内容")

    # Registered (the reviews are the business of test_media_chains.py): /verify/ shows it.
    MediaAccount.objects.filter(name="上庄发布").update(status="normal", media_code="110108M001TT0001",
                                                                 reviewer=None, reviewer_since=None)
    page.context.clear_cookies()
    page.goto("/verify/110108M001TT0001/")
    expect(page.get_by_test_id("control")).to_contain_text("已验证")
