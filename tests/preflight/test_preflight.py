"""Validation before confirmation (issue 30, govmedia/common/preflight.py): a POST with
`X-Preflight: 1` runs the view's own checks and answers the errors as JSON, saving nothing; the
access rules and the unit scoping hold as for the real submission; views that do not check
(重置校验码) are answered by the middleware and never run."""
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts_media.models import MediaAccount, Status
from reviews.models import JournalEntry
from tests.accounts_media.conftest import normal_account, submit
from tests.websites.test_websites import _done_site

pytestmark = pytest.mark.django_db
PRE = {"HTTP_X_PREFLIGHT": "1"}
GOOD = {"result": "approve", "reviewer_name": "王审核", "reviewer_phone": "18812348822"}


def _review(client, account, data, **headers):
    return client.post(f"/media/{account.pk}/review/", {"version": account.version, **data}, **headers)


def test_an_empty_review_answers_its_errors_and_saves_nothing(chain, client):
    account = submit(chain["shangzhuang"])
    client.force_login(chain["haidian"])
    answer = _review(client, account, {}, **PRE)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["ok"] is False and body["checked"] is True
    assert body["errors"]["result"] == ["请选择审核结果"]
    assert body["errors"]["reviewer_phone"] == ["审核人电话不能为空"]
    assert set(body["errors"]) == {"result", "reviewer_name", "reviewer_phone"}
    bad_phone = _review(client, account, {**GOOD, "reviewer_phone": "12"}, **PRE).json()
    assert list(bad_phone["errors"]) == ["reviewer_phone"]
    reject = _review(client, account, {**GOOD, "result": "reject"}, **PRE).json()
    assert list(reject["errors"]) == ["reason"]


def test_a_valid_review_is_answered_ok_and_nothing_is_saved_remembered_or_said(chain, client):
    account = submit(chain["shangzhuang"])
    client.force_login(chain["haidian"])
    journal = JournalEntry.objects.count()
    assert _review(client, account, GOOD, **PRE).json() == {"ok": True, "errors": {}, "checked": True}
    account.refresh_from_db()
    assert account.status == Status.ADD_PENDING and account.reviewer.code == "110108"
    assert JournalEntry.objects.count() == journal
    page = client.get(f"/media/{account.pk}/review/").content.decode()
    assert "王审核" not in page  # the reviewer is remembered only by a real 确定
    assert "审核已提交" not in client.get("/media/").content.decode()  # no message queued
    done = _review(client, account, GOOD)  # the real submission
    assert done.status_code == 302
    assert MediaAccount.objects.get(pk=account.pk).reviewer.code == "110000"
    assert JournalEntry.objects.count() == journal + 1


def test_access_holds_a_unit_cannot_preflight_another_units_request(chain, client):
    account = submit(chain["shangzhuang"])  # waits at 海淀区
    client.force_login(chain["heping"])  # 和平区, Tianjin
    assert _review(client, account, GOOD, **PRE).status_code == 404
    client.force_login(chain["beijing"])  # above, but not its turn: refused as for a real POST
    answer = _review(client, account, GOOD, **PRE)
    assert answer.json()["checked"] is False and answer["X-Preflight-Status"] in ("403", "409")
    client.force_login(chain["shangzhuang"])  # a filer may not open 审核 at all
    assert _review(client, account, GOOD, **PRE).status_code == 403
    client.logout()
    assert _review(client, account, GOOD, **PRE).status_code == 302  # to the login page
    assert MediaAccount.objects.get(pk=account.pk).status == Status.ADD_PENDING


def test_bulk_review_close_and_delete_are_checked(chain, client):
    account = submit(chain["shangzhuang"])
    client.force_login(chain["haidian"])
    bulk = client.post("/media/bulk-review/", {"apply": "1", "item": [f"{account.pk}:{account.version}"],
                                               "result": "reject", **{k: GOOD[k] for k in ("reviewer_name", "reviewer_phone")}},
                       **PRE).json()
    assert bulk["errors"] == {"reason": ["驳回原因不能为空"]}
    assert MediaAccount.objects.get(pk=account.pk).status == Status.ADD_PENDING
    normal = normal_account(chain, name="上庄服务", url="https://weibo.com/u/5511", account_type="WB", wechat_kind="",
                            platform_id="5511")
    client.force_login(chain["gb"])
    assert client.post(f"/media/{normal.pk}/delete/", {}, **PRE).json()["errors"] == {"reason": ["删除原因不能为空"]}
    assert client.post(f"/media/{normal.pk}/delete/", {"reason": "重复填报"}, **PRE).json()["ok"] is True
    assert MediaAccount.objects.get(pk=normal.pk).status == Status.NORMAL
    client.force_login(chain["shangzhuang"])
    closing = client.post(f"/media/{normal.pk}/close/", {"applicant_name": "张", "applicant_phone": "1"}, **PRE).json()
    assert {"applicant_phone", "close_reason", "cancel_date"} <= set(closing["errors"])
    assert MediaAccount.objects.get(pk=normal.pk).status == Status.NORMAL


def test_views_that_do_not_check_are_answered_by_the_middleware_and_never_run(chain, client):
    site = _done_site(chain)
    password = site.operator_user.password
    client.force_login(chain["haidian"])
    answer = client.post(f"/websites/review/{site.pk}/reset-verification/", {}, **PRE)
    assert answer.json() == {"ok": True, "errors": {}, "checked": False}
    site.operator_user.refresh_from_db()
    assert site.operator_user.password == password
    assert not JournalEntry.objects.filter(action="site_verification_reset").exists()
    client.force_login(chain["shangzhuang"])  # the access middleware still refuses first
    assert client.post(f"/websites/review/{site.pk}/reset-verification/", {}, **PRE).status_code == 403


def test_the_offline_request_and_its_refusal_are_checked_by_the_engine_and_rolled_back(chain, client, login):
    site = _done_site(chain)
    today = timezone.localdate()
    login(site.operator_user)
    wrong = client.post("/websites/mine/offline/", {"kind": "temporary", "offline_from": (today + timedelta(days=5)).isoformat(),
                                                    "offline_until": (today + timedelta(days=2)).isoformat(), "reason": "迁移"}, **PRE).json()
    assert wrong["ok"] is False and "恢复开通时间（功能迁移完成时间）须晚于下线日期" in wrong["errors"]["__all__"][0]
    good = {"kind": "permanent", "offline_from": today.isoformat(), "reason": "并入平台"}
    assert client.post("/websites/mine/offline/", good, **PRE).json() == {"ok": True, "errors": {}, "checked": True}
    site.refresh_from_db()
    assert site.offline_state == "none"
    assert not JournalEntry.objects.filter(action="request_offline").exists()
    assert client.post("/websites/mine/offline/", good).status_code == 302
    site.refresh_from_db()
    client.force_login(chain["haidian"])
    refusal = client.post(f"/websites/review/{site.pk}/offline/reject_offline/", {"version": site.version}, **PRE).json()
    assert refusal["ok"] is False and refusal["errors"]["__all__"]
    site.refresh_from_db()
    assert site.offline_state == "pending"
    assert client.post(f"/websites/review/{site.pk}/offline/reject_offline/", {"version": site.version, "reason": "仍在使用"},
                       **PRE).json()["ok"] is True
    site.refresh_from_db()
    assert site.offline_state == "pending"
