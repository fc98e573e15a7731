import pytest

from accounts_media.models import MediaAccount, Status
from accounts_media.services import perform
from orgtree.models import FilerUnit
from reviews.engine import AlreadyHandled, NotAllowed, StateConflict, TransitionError
from reviews.models import JournalEntry
from tests.accounts_media.conftest import WB_URL, approve, normal_account, reject, submit

CLOSE = {"applicant_name": "李申请", "applicant_phone": "010-35123421", "close_reason": "已完成注销/下线",
         "cancel_date": "2026-11-01", "detail": "账号已于平台完成注销。"}
RESTORE = {"applicant_name": "赵恢复", "applicant_phone": "18812348822", "reason": "账号误关停，需恢复。"}


def journal(account):
    return list(JournalEntry.objects.filter(subject_type="media_account", subject_id=account.pk).order_by("id"))


def test_shangzhuang_chain_haidian_then_beijing_final_with_media_code(chain):
    account = submit(chain["shangzhuang"])
    assert (account.status, account.reviewer.code) == (Status.ADD_PENDING, "110108")
    with pytest.raises(StateConflict, match="不在本单位审核"):  # 北京市 cannot skip 海淀区: not its turn yet
        approve(account, chain["beijing"])
    account = approve(account, chain["haidian"])
    assert (account.status, account.reviewer.code, account.media_code) == (Status.ADD_PENDING, "110000", None)
    with pytest.raises(StateConflict, match="已被处理"):  # 海淀区 cannot approve twice: told it was handled
        approve(account, chain["haidian"])
    account = approve(account, chain["beijing"])
    assert (account.status, account.reviewer, account.media_code) == (Status.NORMAL, None, "110108M001WX0001")
    filer = FilerUnit.objects.get(pk=account.filer_unit_id)
    assert (filer.media_count, filer.account_total) == (1, 1)
    entries = journal(account)
    assert [e.action_label for e in entries] == ["提交", "同意添加", "同意添加"]
    assert [e.position for e in entries] == ["海淀区（110108）", "北京市（110000）", ""]
    assert entries[1].actor_unit_name == "海淀区" and entries[1].person_name == "王审核"
    assert (entries[2].status_before, entries[2].status_after) == ("添加待审核", "正常")


def test_commerce_bureau_is_final_at_beijing(chain):
    account = approve(submit(chain["commerce"], operator="北京市商务局"), chain["beijing"])
    assert account.status == Status.NORMAL and account.media_code == "110000M001WX0001"


def test_codes_count_per_filer_and_type(chain):
    first = normal_account(chain)
    second = normal_account(chain, url="https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzI2MTYxNTg3NA==",
                            platform_id="MzI2MTYxNTg3NA==")
    weibo = normal_account(chain, account_type="WB", wechat_kind="", url=WB_URL, platform_id="2265830070")
    assert [first.media_code, second.media_code, weibo.media_code] == [
        "110108M001WX0001", "110108M001WX0002", "110108M001WB0001"]


def test_rejection_at_haidian_returns_to_the_filer_who_resubmits(chain):
    account = reject(submit(chain["shangzhuang"]), chain["haidian"], reason="名称有误")
    assert (account.status, account.reviewer) == (Status.ADD_REJECTED, None)
    assert account.last_review["result"] == "驳回" and account.last_review["reason"] == "名称有误"
    assert account.last_review["unit"] == "海淀区（110108）"
    from tests.accounts_media.conftest import account_data

    account = perform(account, "resubmit_add", chain["shangzhuang"], account_data(name="上庄镇发布"))
    assert (account.status, account.reviewer.code, account.name) == (Status.ADD_PENDING, "110108", "上庄镇发布")
    # A rejection at the final level also goes back to the filer, and review restarts at 海淀区.
    account = reject(approve(account, chain["haidian"]), chain["beijing"])
    assert account.status == Status.ADD_REJECTED
    account = perform(account, "resubmit_add", chain["shangzhuang"], account_data())
    assert account.reviewer.code == "110108"


def test_abandoned_add_leaves_every_list_but_stays_in_the_journal(chain, client, login):
    account = reject(submit(chain["shangzhuang"]), chain["haidian"])
    account = perform(account, "abandon_add", chain["shangzhuang"])
    assert account.removed_at is not None and account.removal == "abandoned"
    login(chain["shangzhuang"])
    assert client.get(f"/media/{account.pk}/").status_code == 404
    assert journal(account)[-1].status_after == "已放弃"
    # The id is free again for a new registration.
    assert submit(chain["shangzhuang"]).status == Status.ADD_PENDING


def test_drafts_are_saved_edited_submitted_and_deleted(chain):
    from accounts_media import services
    from tests.accounts_media.conftest import account_data

    draft = perform(services.new_account(chain["shangzhuang"]), "save_draft", chain["shangzhuang"], account_data())
    assert (draft.status, draft.reviewer) == (Status.DRAFT, None)
    assert FilerUnit.objects.get(pk=draft.filer_unit_id).account_total == 1
    draft = perform(draft, "save_draft", chain["shangzhuang"], account_data(name="改了名"))
    assert draft.name == "改了名"
    with pytest.raises(NotAllowed):
        perform(draft, "submit", chain["yanyuan"], account_data())  # another filer of the same org
    draft = perform(draft, "delete_draft", chain["shangzhuang"])
    assert draft.removed_at is not None
    assert FilerUnit.objects.get(pk=draft.filer_unit_id).account_total == 0


def test_modify_is_reviewed_by_haidian_only_and_applies_on_approval(chain):
    from tests.accounts_media.conftest import account_data

    account = normal_account(chain)
    account = perform(account, "request_modify", chain["shangzhuang"], account_data(name="上庄镇发布", wechat_kind="service"))
    assert account.status == Status.MODIFY_PENDING
    assert account.pending_changes == {"name": "上庄镇发布", "wechat_kind": "service"}
    assert MediaAccount.objects.get(pk=account.pk).name == "上庄发布"  # live record unchanged
    with pytest.raises(NotAllowed):
        approve(account, chain["beijing"])  # 北京市 cannot review 海淀区's units' changes
    account = reject(account, chain["haidian"], reason="名称需与备案一致")
    assert (account.status, account.name) == (Status.MODIFY_REJECTED, "上庄发布")
    account = perform(account, "resubmit_modify", chain["shangzhuang"], account_data(name="上庄镇人民政府发布"))
    account = approve(account, chain["haidian"])
    assert (account.status, account.name, account.pending_changes) == (Status.NORMAL, "上庄镇人民政府发布", {})
    entry = journal(account)[-1]
    assert {"field": "name", "label": "名称", "old": "上庄发布", "new": "上庄镇人民政府发布"} in entry.changes


def test_an_unchanged_modify_request_is_refused(chain):
    from tests.accounts_media.conftest import account_data

    with pytest.raises(TransitionError, match="未修改任何信息"):
        perform(normal_account(chain), "request_modify", chain["shangzhuang"], account_data())


def test_abandoning_a_rejected_modify_keeps_the_live_values(chain):
    from tests.accounts_media.conftest import account_data

    account = normal_account(chain)
    account = perform(account, "request_modify", chain["shangzhuang"], account_data(name="新名"))
    account = perform(reject(account, chain["haidian"]), "abandon_modify", chain["shangzhuang"])
    assert (account.status, account.name, account.pending_changes) == (Status.NORMAL, "上庄发布", {})


def test_closure_approved_rejected_abandoned(chain):
    account = perform(normal_account(chain), "request_close", chain["shangzhuang"], CLOSE)
    assert (account.status, account.reviewer.code) == (Status.CLOSE_PENDING, "110108")
    assert account.request_data["applicant_name"] == "李申请"
    with pytest.raises(NotAllowed):
        approve(account, chain["beijing"])
    account = reject(account, chain["haidian"], reason="账号仍在更新")
    assert account.status == Status.CLOSE_REJECTED
    account = perform(account, "abandon_close", chain["shangzhuang"])
    assert account.status == Status.NORMAL
    account = perform(account, "request_close", chain["shangzhuang"], CLOSE)
    account = approve(account, chain["haidian"])
    assert account.status == Status.CLOSED
    filer = FilerUnit.objects.get(pk=account.filer_unit_id)
    assert (filer.media_count, filer.account_total) == (0, 1)  # 关停 is not counted in 账号数量
    with pytest.raises(AlreadyHandled):  # final for the filer
        perform(account, "request_close", chain["shangzhuang"], CLOSE)


def test_restore_once_by_the_l1_unit_decided_by_gb(chain):
    account = perform(normal_account(chain), "request_close", chain["shangzhuang"], CLOSE)
    account = approve(account, chain["haidian"])
    with pytest.raises(NotAllowed):
        perform(account, "request_restore", chain["haidian"], RESTORE)  # not an L1 unit
    with pytest.raises(NotAllowed):
        perform(account, "request_restore", chain["tianjin"], RESTORE)  # another province
    account = perform(account, "request_restore", chain["beijing"], RESTORE)
    assert (account.status, account.reviewer.code) == (Status.RESTORE_PENDING, "GB0000")
    with pytest.raises(NotAllowed):
        approve(account, chain["beijing"])
    account = reject(account, chain["gb"], reason="材料不全")
    assert account.status == Status.RESTORE_REJECTED and account.last_review["unit"] == "国务院办公厅（GB0000）"
    account = perform(account, "resubmit_restore", chain["beijing"], RESTORE)
    account = approve(account, chain["gb"])
    assert account.status == Status.NORMAL
    # Closed again: a second restore is refused, with the rule's own words.
    account = approve(perform(account, "request_close", chain["shangzhuang"], CLOSE), chain["haidian"])
    with pytest.raises(StateConflict, match="关停账号只能恢复一次"):
        perform(account, "request_restore", chain["beijing"], RESTORE)


def test_abandoning_a_rejected_restore_leaves_the_account_closed(chain):
    account = approve(perform(normal_account(chain), "request_close", chain["shangzhuang"], CLOSE), chain["haidian"])
    account = reject(perform(account, "request_restore", chain["beijing"], RESTORE), chain["gb"])
    account = perform(account, "abandon_restore", chain["beijing"])
    assert account.status == Status.CLOSED


def test_gb_deletes_from_any_status_with_a_reason(chain):
    pending = submit(chain["shangzhuang"])
    for user in ("beijing", "haidian", "shangzhuang"):
        with pytest.raises(NotAllowed):
            perform(pending, "delete", chain[user], {"reason": "误报"})
    deleted = perform(pending, "delete", chain["gb"], {"reason": "误报入系统的账号"})
    assert deleted.removed_at is not None and deleted.removal_reason == "误报入系统的账号"
    assert journal(deleted)[-1].status_after == "已删除"
    with pytest.raises(AlreadyHandled):
        perform(deleted, "delete", chain["gb"], {"reason": "again"})


def test_national_uniqueness_of_type_and_platform_id(chain):
    from django.db import IntegrityError, transaction

    from accounts_media.services import holder_of

    submit(chain["shangzhuang"])
    holder = holder_of("WX", "MzA5MDk1MjI5MA==")
    assert holder.filer_unit.name == "海淀区上庄镇政府"
    with pytest.raises(TransitionError, match="已被其他单位报送"):
        submit(chain["tianjin_filer"])
    with pytest.raises(IntegrityError), transaction.atomic():
        MediaAccount.objects.create(filer_unit_id=chain["commerce"].filer_unit_id, org_path="/GB0000/110000/",
                                    account_type="WX", platform_id="MzA5MDk1MjI5MA==", url="x", name="x",
                                    operator="x", represents_government=False, status="draft")
    # The same id under another type is another account.
    assert submit(chain["tianjin_filer"], account_type="QT", platform_name="其他平台", wechat_kind="").status == "add_pending"


def test_a_stale_form_is_told_the_request_was_handled(chain):
    account = submit(chain["shangzhuang"])
    version = account.version
    approve(account, chain["haidian"])
    with pytest.raises(AlreadyHandled, match="该申请已被处理"):
        perform(account, "reject_add", chain["haidian"], {"reason": "x"}, expected_version=version)


def test_account_counts_follow_every_status_and_guard_filer_deletion(chain, client, login):
    from accounts_media import services as media

    filer_user = chain["shangzhuang"]

    def counts():
        filer = FilerUnit.objects.get(pk=filer_user.filer_unit_id)
        return filer.media_count, filer.account_total

    draft = perform(media.new_account(filer_user), "save_draft", filer_user,
                    __import__("tests.accounts_media.conftest", fromlist=["x"]).account_data())
    assert counts() == (0, 1)
    login(chain["haidian"])
    html = client.get("/filer-units/", {"code": "110108M001"}).content.decode()
    assert "存在未提交数据" in html  # 删除 disabled while a draft exists
    account = perform(draft, "submit", filer_user, {})
    assert counts() == (0, 1)
    account = approve(approve(account, chain["haidian"]), chain["beijing"])
    assert counts() == (1, 1)
    account = approve(perform(account, "request_close", filer_user, CLOSE), chain["haidian"])
    assert counts() == (0, 1)
    account = perform(account, "request_restore", chain["beijing"], RESTORE)
    assert counts() == (1, 1)  # 恢复待审核 counts
    perform(account, "delete", chain["gb"], {"reason": "退出监管"})
    assert counts() == (0, 0)
    client.post(f"/filer-units/{filer_user.filer_unit_id}/delete/", {"reason": "撤销"})
    assert FilerUnit.objects.get(pk=filer_user.filer_unit_id).status == "deleted"
