"""Every transition of the table × every kind of actor: allowed moves succeed, all others are
refused and change nothing."""
import pytest
from django.db import transaction

from accounts_media.models import MediaAccount, Status
from accounts_media.services import perform
from accounts_media.workflow import TRANSITIONS
from reviews.engine import NEW, TransitionError
from reviews.models import JournalEntry
from tests.accounts_media.conftest import REVIEW_OK, account_data, approve, normal_account, reject, submit
from tests.accounts_media.test_workflow import CLOSE, RESTORE

ACTORS = ["shangzhuang", "yanyuan", "tianjin_filer", "haidian", "chaoyang", "beijing", "tianjin", "heping", "gb"]

# Who may apply each transition to an account of 海淀区上庄镇政府 (filer under 海淀区 under 北京市).
ALLOWED = {
    "save_draft": {"shangzhuang"}, "submit": {"shangzhuang"}, "delete_draft": {"shangzhuang"},
    "approve_add": {"haidian"}, "reject_add": {"haidian"},
    "resubmit_add": {"shangzhuang"}, "abandon_add": {"shangzhuang"},
    "request_modify": {"shangzhuang"}, "approve_modify": {"haidian"}, "reject_modify": {"haidian"},
    "resubmit_modify": {"shangzhuang"}, "abandon_modify": {"shangzhuang"},
    "request_close": {"shangzhuang"}, "approve_close": {"haidian"}, "reject_close": {"haidian"},
    "resubmit_close": {"shangzhuang"}, "abandon_close": {"shangzhuang"},
    "request_restore": {"beijing"}, "approve_restore": {"gb"}, "reject_restore": {"gb"},
    "resubmit_restore": {"beijing"}, "abandon_restore": {"beijing"},
    "delete": {"gb"},
}


def account_in(chain, status):
    """An account of 上庄镇政府 in `status`, reached through the workflow itself."""
    filer = chain["shangzhuang"]
    if status == Status.DRAFT:
        from accounts_media import services

        return perform(services.new_account(filer), "save_draft", filer, account_data())
    if status == Status.ADD_PENDING:
        return submit(filer)
    if status == Status.ADD_REJECTED:
        return reject(submit(filer), chain["haidian"])
    account = normal_account(chain)
    steps = {
        Status.NORMAL: [],
        Status.MODIFY_PENDING: [("request_modify", filer, account_data(name="新名"))],
        Status.MODIFY_REJECTED: [("request_modify", filer, account_data(name="新名")), "reject"],
        Status.CLOSE_PENDING: [("request_close", filer, CLOSE)],
        Status.CLOSE_REJECTED: [("request_close", filer, CLOSE), "reject"],
        Status.CLOSED: [("request_close", filer, CLOSE), "approve"],
        Status.RESTORE_PENDING: [("request_close", filer, CLOSE), "approve", ("request_restore", chain["beijing"], RESTORE)],
        Status.RESTORE_REJECTED: [("request_close", filer, CLOSE), "approve", ("request_restore", chain["beijing"], RESTORE), "reject_gb"],
    }[status]
    for step in steps:
        if step == "reject":
            account = reject(account, chain["haidian"])
        elif step == "approve":
            account = approve(account, chain["haidian"])
        elif step == "reject_gb":
            account = reject(account, chain["gb"])
        else:
            account = perform(account, *step)
    return account


def data_for(name):
    if name in ("save_draft", "submit", "resubmit_add"):
        return account_data(name="矩阵测试")
    if name in ("request_modify", "resubmit_modify"):
        return account_data(name="矩阵修改")
    if name in ("request_close", "resubmit_close"):
        return CLOSE
    if name in ("request_restore", "resubmit_restore"):
        return RESTORE
    if name.startswith(("approve", "reject")):
        return {**REVIEW_OK, "reason": "矩阵"}
    return {"reason": "矩阵测试删除"}


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_transition_matrix(chain, transition):
    sources = sorted(s for s in transition.source if s != NEW)
    # Every source status is exercised for the narrow transitions; `delete` (any status) on three.
    if transition.name == "delete":
        sources = [Status.DRAFT, Status.ADD_PENDING, Status.CLOSED]
    for source in sources:
        account = account_in(chain, source)
        for actor in ACTORS:
            before = MediaAccount.objects.filter(pk=account.pk).values().get()
            journal_before = JournalEntry.objects.count()
            sid = transaction.savepoint()
            try:
                result = perform(MediaAccount.objects.get(pk=account.pk), transition.name, chain[actor], data_for(transition.name))
            except TransitionError as exc:
                transaction.savepoint_rollback(sid)
                assert actor not in ALLOWED[transition.name], f"{transition.name} from {source}: {actor} refused ({exc})"
                assert exc.http_status in (403, 409)
                assert MediaAccount.objects.filter(pk=account.pk).values().get() == before
                assert JournalEntry.objects.count() == journal_before
            else:
                assert actor in ALLOWED[transition.name], f"{transition.name} from {source}: {actor} was let through"
                assert JournalEntry.objects.count() == journal_before + 1
                assert result.version == before["version"] + 1
                transaction.savepoint_rollback(sid)
        MediaAccount.objects.filter(pk=account.pk).delete()  # frees the platform id for the next source
