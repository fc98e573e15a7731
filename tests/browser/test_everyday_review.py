"""Issue 30 in Chromium: 批量审核 of 50 requests while another tab handles 2 of them (48 applied,
2 reported, 50 journal rows exactly right), the reviewer's name and phone prefilled, no
confirmation before the form is complete, 批量提交 of drafts, and one person's wrong logins
leaving a colleague at the same address without a 验证码."""
import pytest

from accounts_media import services
from accounts_media.models import MediaAccount, Status
from reviews.models import JournalEntry
from tests.accounts_media.conftest import account_data
from tests.browser.conftest import log_in
from tests.browser.everyday_helpers import signed_in_context
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def units():
    tree = make_small_tree()
    users = {code: make_org_user(tree[code]) for code in ("110000", "110108")}
    users["filer"] = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    return users


def weibo_rows(n, prefix="77"):
    return [account_data(account_type="WB", wechat_kind="", url=f"https://weibo.com/u/{prefix}{i:08d}",
                         platform_id=f"{prefix}{i:08d}", name=f"上庄微博{i:02d}") for i in range(n)]


def test_bulk_approval_of_50_with_2_handled_meanwhile_in_another_tab(browser, live_server, units):
    accounts = services.create_many(units["filer"], "submit", weibo_rows(50))
    context = signed_in_context(browser, live_server, units["110108"], viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto("/media/?tab=pending&per_page=50")
    assert page.locator(".list-table tbody tr").count() == 50
    page.locator("input[data-select-all]").check()
    # The confirmation page loaded in full, scripts included: its 50 rows counted, and its 确定
    # checked by the server first (preflight.js).
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_test_id("bulk-review-selected").click()
    assert page.get_by_test_id("bulk-submit").inner_text() == "确定（50 条）"
    assert page.locator("[data-testid=bulk-rows] tbody tr").count() == 50

    # Validation before confirmation: 确定 on an empty decision asks nothing and names what is missing.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_test_id("bulk-submit").click()
    page.locator("[data-preflight-error=result]").wait_for()
    assert "请选择审核结果" in page.content() and dialogs == []

    # Meanwhile, another tab reviews two of them one by one; the second review is prefilled.
    other = context.new_page()
    other.on("dialog", lambda d: d.accept())
    for n, account in enumerate(accounts[:2]):
        other.goto(f"/media/{account.pk}/review/")
        if n == 0:
            assert other.locator("#id_reviewer_name").input_value() == ""
            other.locator("#id_reviewer_name").fill("李审核")
            other.locator("#id_reviewer_phone").fill("010-35123421")
        else:  # remembered for this login, editable
            assert other.locator("#id_reviewer_name").input_value() == "李审核"
            assert other.locator("#id_reviewer_phone").input_value() == "010-35123421"
        other.get_by_label("同意添加").check()
        other.get_by_role("button", name="确定").click()
        other.wait_for_url("**/media/?*tab=pending*")

    page.get_by_label("通过", exact=True).check()
    page.locator("#id_reviewer_name").fill("王审核")
    page.locator("#id_reviewer_phone").fill("18812348822")
    page.get_by_test_id("bulk-submit").click()
    # 50 reviews applied in one request (each a transition and a journal row): on a loaded machine
    # that takes longer than a page's 15 s (stress runs timed out here with the POST still running).
    page.wait_for_url("**/media/?*tab=pending*", timeout=60_000)
    assert dialogs == ["将对这 50 条申请提交同一审核结果，提交后无法修改。确定吗？"]
    assert "批量审核完成：已通过 48，已被他人处理 2。" in page.locator(".alert-success").inner_text()

    rows = JournalEntry.objects.filter(subject_type="media_account", action="approve_add")
    assert rows.count() == 50
    assert sorted(rows.values_list("subject_id", flat=True)) == sorted(a.pk for a in accounts)
    by_person = {}
    for subject_id, person, phone, result, position in rows.values_list("subject_id", "person_name", "person_phone", "result", "position"):
        by_person.setdefault((person, phone), []).append(subject_id)
        assert result == "同意添加" and position.endswith("（110000）")
    assert sorted(by_person[("李审核", "010-35123421")]) == sorted(a.pk for a in accounts[:2])
    assert len(by_person[("王审核", "18812348822")]) == 48
    assert MediaAccount.objects.filter(reviewer__code="110000", status=Status.ADD_PENDING).count() == 50
    context.close()


def test_filer_bulk_submit_confirms_the_count(browser, live_server, units):
    services.create_many(units["filer"], "save_draft", weibo_rows(3, prefix="66"))
    context = signed_in_context(browser, live_server, units["filer"], viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto("/media/?tab=drafts")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.locator("tbody input[data-select-row]").nth(0).check()
    page.locator("tbody input[data-select-row]").nth(1).check()
    page.get_by_test_id("bulk-submit-drafts").click()
    page.locator(".alert-success").wait_for()  # the same address: wait for the outcome, not the URL
    assert dialogs == ["将提交所选的 2 条未提交账号信息，确定吗？"]
    assert "已提交 2，已被处理 0。" in page.locator(".alert-success").inner_text()
    assert MediaAccount.objects.filter(status=Status.ADD_PENDING).count() == 2
    context.close()


def test_two_wrong_logins_by_one_user_leave_a_colleague_without_captcha(browser, live_server, units):
    typo = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = typo.new_page()
    for _ in range(2):
        log_in(page, "组织单位", "110108", "Wrong@2026x")
        assert "用户名或密码错误" in page.content()
    assert page.locator("input[name=captcha_1]").count() == 1  # 110108 is asked now
    colleague = browser.new_context(base_url=live_server.url, locale="zh-CN")  # the same address
    other = colleague.new_page()
    other.goto("/")
    assert other.locator("input[name=captcha_1]").count() == 0
    log_in(other, "组织单位", "110000", PASSWORD)
    other.wait_for_url("**/media/")
    typo.close()
    colleague.close()
