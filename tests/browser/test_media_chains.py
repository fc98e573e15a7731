"""The manual's chains in Chromium: add → 海淀区 → 北京市 → 正常 with a media code; a rejection,
查看驳回 and 重新添加申请; modify reviewed by 海淀区 only; close; restore by 北京市, decided by GB."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import make_filer, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WX = "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1&sn=abc"


@pytest.fixture
def units():
    tree = make_small_tree()
    for code in ("GB0000", "110000", "110108"):
        make_org_user(tree[code])
    make_filer(tree["110108"], "海淀区上庄镇政府", 1)
    return tree


def logout(page):
    page.get_by_role("button", name="退出").click()
    # The login page says so ("**/" would match the page we leave: every address here ends in /).
    expect(page.get_by_text("您已安全退出")).to_be_visible()


def review(page, result, reason=""):
    page.get_by_label(result).check()
    if reason:
        page.locator("#id_reason").fill(reason)
    page.locator("#id_reviewer_name").fill("王审核")
    page.locator("#id_reviewer_phone").fill("18812348822")
    page.once("dialog", lambda d: d.accept())  # 审核提交后，无法修改：confirmed
    page.get_by_role("button", name="确定").click()
    page.wait_for_url("**/media/?*tab=pending*")  # checked by the server, confirmed, applied


def open_pending(page, name):
    page.goto("/media/?tab=pending")
    # The review page loaded, scripts included: its 确定 is checked by the server before the
    # confirmation (preflight.js); clicked before the script runs, the form would go unconfirmed.
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("tbody tr", has_text=name).get_by_role("link", name="审核").click()


def test_add_reject_resubmit_then_approved_up_to_beijing(page, units):
    sign_in(page, "110108M001")
    page.wait_for_url("**/media/")
    page.get_by_role("link", name="添加账号").click()
    page.locator("#id_operator").fill("海淀区上庄镇政府")
    page.locator("#id_account_type").select_option("WX")
    page.get_by_label("订阅号").check()
    page.locator("#id_url").fill(WX)
    page.locator("#id_name").fill("上庄发布")
    page.locator("#id_represents_government_1").check()
    page.get_by_label("信息发布").check()
    page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("status").inner_text() == "添加待审核"
    logout(page)

    # 海淀区 rejects: the filer sees 查看驳回 and resubmits.
    sign_in(page, "110108")
    assert page.get_by_test_id("tab-pending").inner_text().strip().endswith("1")
    open_pending(page, "上庄发布")
    review(page, "驳回添加", "名称请与认证名称一致")
    logout(page)
    sign_in(page, "110108M001")
    page.get_by_test_id("tab-rejected").click()
    page.locator("tbody tr", has_text="上庄发布").get_by_role("link", name="查看驳回").click()
    assert "名称请与认证名称一致" in page.get_by_test_id("last-review").inner_text()
    assert "驳回添加" in page.get_by_test_id("last-review").inner_text()
    page.get_by_role("link", name="重新添加申请").click()
    assert page.locator("#id_name").input_value() == "上庄发布"  # prefilled
    page.locator("#id_name").fill("上庄镇发布")
    page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("status").inner_text() == "添加待审核"
    logout(page)

    # Review restarts at 海淀区, then 北京市 is final.
    sign_in(page, "110000")
    page.goto("/media/?tab=pending")
    assert page.locator("tbody tr", has_text="上庄镇发布").count() == 0  # not 北京市's turn
    logout(page)
    sign_in(page, "110108")
    open_pending(page, "上庄镇发布")
    review(page, "同意添加")
    logout(page)
    sign_in(page, "110000")
    open_pending(page, "上庄镇发布")
    review(page, "同意添加")
    page.goto("/media/")
    page.locator("tbody tr", has_text="上庄镇发布").get_by_role("link", name="查看").click()
    assert page.get_by_test_id("status").inner_text() == "正常"
    assert page.get_by_test_id("media-code").inner_text() == "110108M001WX0001"
    with page.expect_navigation(wait_until="domcontentloaded"):  # the whole journal loaded before its rows are counted
        page.get_by_role("link", name="流水").click()
    rows = page.locator("table.journal tbody tr")
    assert rows.count() == 5
    assert "海淀区（110108）" in rows.nth(1).inner_text() and "驳回添加" in rows.nth(1).inner_text()


def test_modify_close_and_restore(page, units):
    from tests.accounts_media.conftest import normal_account
    from accounts.models import User

    chain = {u.username: u for u in User.objects.all()}
    chain.update(shangzhuang=chain["110108M001"], haidian=chain["110108"], beijing=chain["110000"])
    normal_account(chain)

    # Modify: 北京市 is refused, 海淀区 sees "改为:" and approves.
    sign_in(page, "110108M001")
    page.locator("tbody tr", has_text="上庄发布").get_by_role("link", name="修改").click()
    assert page.locator("#id_account_type").is_disabled()
    page.locator("#id_name").fill("上庄镇人民政府发布")
    page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("status").inner_text() == "修改待审核"
    account_url = page.url
    logout(page)
    sign_in(page, "110000")
    response = page.goto(account_url + "review/")
    assert response.status == 403
    logout(page)
    sign_in(page, "110108")
    open_pending(page, "上庄发布")
    assert re.search(r"上庄发布\s*改为:\s*上庄镇人民政府发布", page.get_by_test_id("changes").inner_text())
    review(page, "同意修改")
    logout(page)

    # Close, approved by 海淀区.
    sign_in(page, "110108M001")
    # Loaded, scripts included: 提交 is checked by the server before its confirmation (preflight.js).
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("tbody tr", has_text="上庄镇人民政府发布").get_by_role("link", name="关停").click()
    expect(page.get_by_text("请确保账号已注销或下线，未完成注销的请勿关停。")).to_be_visible()
    page.locator("#id_applicant_name").fill("李申请")
    page.locator("#id_applicant_phone").fill("010-35123421")
    page.get_by_label("已完成注销/下线").check()
    page.locator("#id_cancel_date").fill("2026-11-01")
    page.locator("#id_detail").fill("账号已注销。")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("status").inner_text() == "关停待审核"
    logout(page)
    sign_in(page, "110108")
    open_pending(page, "上庄镇人民政府发布")
    review(page, "同意关停")
    logout(page)

    # Restore: asked by 北京市, approved by GB; a second request is not offered.
    sign_in(page, "110000")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("tbody tr", has_text="上庄镇人民政府发布").get_by_role("link", name="恢复").click()
    expect(page.get_by_text("关停恢复申请最多申请一次，请谨慎填写！")).to_be_visible()
    page.locator("#id_applicant_name").fill("赵恢复")
    page.locator("#id_applicant_phone").fill("18812348822")
    page.locator("#id_reason").fill("误关停")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="提交").click()
    assert page.get_by_test_id("status").inner_text() == "恢复待审核"
    logout(page)
    sign_in(page, "GB0000")
    open_pending(page, "上庄镇人民政府发布")
    review(page, "同意恢复")
    page.goto(account_url)
    assert page.get_by_test_id("status").inner_text() == "正常"
    # Closed again: 北京市 is offered no second 恢复, and typing the URL is refused.
    from accounts_media.models import MediaAccount
    from accounts_media.services import perform
    from tests.accounts_media.conftest import approve

    account = MediaAccount.objects.get(name="上庄镇人民政府发布")
    account = approve(perform(account, "request_close", chain["shangzhuang"], {
        "applicant_name": "李申请", "applicant_phone": "010-35123421", "close_reason": "已完成注销/下线",
        "cancel_date": "2026-11-01", "detail": "再次注销。"}), chain["haidian"])
    assert account.status == "closed"
    logout(page)
    sign_in(page, "110000")
    row = page.locator("tbody tr", has_text="上庄镇人民政府发布")
    assert row.get_by_role("link", name="恢复").count() == 0
    response = page.goto(account_url + "restore/")
    assert response.status == 409 and "关停账号只能恢复一次" in page.content()
