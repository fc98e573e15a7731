"""allowed() offers exactly what apply() accepts, for every table, every status, every kind of
user, and the state flags the guards read (exhaustive, not sampled: each status is combined
with each flag deviation one at a time). A refusal is also of the same kind on both sides:
NotAllowed (this user may never) or StateConflict (the state does not allow it now)."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts_media.models import MediaAccount, Status
from accounts_media.workflow import WORKFLOW as MEDIA
from reviews.engine import NEW, SYSTEM, NotAllowed, StateConflict, TransitionError
from tests.factories import make_user
from websites.models import Filing, Offline, RunStatus, Website
from websites.offline import OFFLINE_WORKFLOW, RUN_WORKFLOW
from websites.workflow import WORKFLOW as FILING


def outcome(callable_):
    try:
        callable_()
    except (NotAllowed, StateConflict) as exc:
        return type(exc) if not isinstance(exc, StateConflict) else StateConflict
    return None


def kind_of(refusal):
    return None if refusal is None else NotAllowed if isinstance(refusal, NotAllowed) else StateConflict


def assert_same(workflow, model, pk, users, data_for, today, label, failures):
    obj = model.objects.get(pk=pk)
    outer = transaction.savepoint()  # catches anything a wrongly accepted NotAllowed case would write
    for user_name, user in users.items():
        offered = {t.name for t in workflow.allowed(obj, user, today)}
        for t in workflow.transitions:
            if NEW in t.source:
                continue
            expected = kind_of(workflow.check(obj, user, t, today))
            assert (expected is None) == (t.name in offered)
            if expected is NotAllowed:  # who may act never reads the state: refused before any lock
                got = outcome(lambda: workflow.apply(obj, t.name, user, data_for(t.name), today=today))
            else:
                sid = transaction.savepoint()
                try:
                    got = outcome(lambda: workflow.apply(model.objects.get(pk=pk), t.name, user, data_for(t.name), today=today))
                except TransitionError as exc:  # the test's data is valid: a refusal here is a missing guard
                    got = f"data refusal: {exc.message}"
                finally:
                    transaction.savepoint_rollback(sid)
            if got != expected:
                failures.append(f"{label} · {user_name} · {t.name}: allowed says {expected}, apply says {got}")
    transaction.savepoint_rollback(outer)


# --- media accounts -------------------------------------------------------------------------------

MEDIA_DATA = {
    "request_modify": {"name": "改过的名称"}, "resubmit_modify": {"name": "改过的名称"},
    "request_close": {"applicant_name": "李申请", "applicant_phone": "13800000000", "reason": "已完成注销", "detail": "注销"},
    "request_restore": {"applicant_name": "王", "applicant_phone": "13800000000", "reason": "恢复"},
    "delete": {"reason": "退出监管"},
}


def media_data(name):
    data = {"result_label": "同意", "reviewer_name": "王审核", "reviewer_phone": "18812348822", "reason": "理由"}
    return {**data, **MEDIA_DATA.get(name, {}), **(MEDIA_DATA.get(name.replace("resubmit", "request"), {}))}


def media_variants(tree):
    """Each status, where it sits (审核定位), and the once-only restore flag."""
    at = {Status.ADD_PENDING: ["110108", "110000"], Status.MODIFY_PENDING: ["110108"], Status.CLOSE_PENDING: ["110108"],
          Status.RESTORE_PENDING: ["GB0000"]}
    for status in Status.values:
        for reviewer in at.get(status, [None]):
            for restored in ([False, True] if status in (Status.CLOSED, Status.RESTORE_PENDING, Status.RESTORE_REJECTED) else [False]):
                yield f"{status}@{reviewer} restored={restored}", dict(
                    status=status, reviewer=tree[reviewer] if reviewer else None, restore_requested=restored,
                    pending_changes={"name": "待审核名称"} if status in (Status.MODIFY_PENDING, Status.MODIFY_REJECTED) else {})
    yield "removed", dict(status=Status.NORMAL, reviewer=None, removed_at=timezone.now(), removal="deleted")


@pytest.mark.django_db
def test_media_table_allowed_is_what_apply_accepts(chain, tree):
    filer = chain["shangzhuang"].filer_unit
    users = {k: chain[k] for k in ("shangzhuang", "yanyuan", "haidian", "chaoyang", "beijing", "tianjin", "heping", "gb", "ops")}
    users["site"] = chain["site"]
    today = timezone.localdate()
    failures: list[str] = []
    for n, (label, fields) in enumerate(media_variants(tree)):
        account = MediaAccount.objects.create(
            filer_unit=filer, org_path=filer.org_unit.path, account_type="WX", wechat_kind="subscription",
            url=f"https://example.gov.cn/{n}", platform_id=f"GUARD{n}", name=f"账号{n}", operator="上庄镇",
            represents_government=False, version=1, **fields)
        assert_same(MEDIA, MediaAccount, account.pk, users, media_data, today, label, failures)
    # Creation (暂存 / 提交) of a new account: only the filer unit itself.
    for user_name, user in users.items():
        for name in ("save_draft", "submit"):
            new = MediaAccount(filer_unit=filer, status=NEW)
            offered = MEDIA.can(new, user, name)
            sid = transaction.savepoint()
            data = {"operator": "上庄镇", "account_type": "WX", "wechat_kind": "subscription", "url": "https://x.gov.cn/n",
                    "platform_id": f"NEW{user_name}{name}", "name": "新账号", "represents_government": False}
            accepted = outcome(lambda: MEDIA.apply(new, name, user, data)) is None
            transaction.savepoint_rollback(sid)
            if offered != accepted:
                failures.append(f"new · {user_name} · {name}: allowed {offered}, apply {accepted}")
    assert not failures, "\n".join(failures)


# --- websites -------------------------------------------------------------------------------------

def _site(tree, n, **fields):
    base = dict(name=f"网站{n}", homepage=f"https://s{n}.gov.cn", homepage_key=f"s{n}.gov.cn", org_unit=tree["110108"],
                org_path=tree["110108"].path, sponsor="主办", operator_unit="承办", icp_number="京ICP备1号",
                head_name="王", head_title="主任", head_mobile="13800000000", contact_name="李", contact_title="科员",
                contact_mobile="13900000000", contact_email="a@b.gov.cn", tracking_code=f"TRACK{n:07d}", version=1)
    return Website.objects.create(**{**base, **fields})


@pytest.fixture
def sites(chain, tree):
    operator = make_user("1101080001", User.Kind.SITE)
    other_operator = make_user("1101080002", User.Kind.SITE)
    site = _site(tree, 1, filing=Filing.DONE, site_code="1101080001", operator_user=operator)
    neighbour = _site(tree, 2, filing=Filing.DONE, site_code="1101080002", operator_user=other_operator)
    users = {"operator": operator, "other_operator": other_operator, "system": SYSTEM, "public": AnonymousUser(),
             **{k: chain[k] for k in ("haidian", "chaoyang", "beijing", "tianjin", "gb", "ops")}}
    return site, neighbour, users


def run_variants(site, neighbour, workflow, statuses, status_field, extras, data_for, users, today, fixed=None):
    failures: list[str] = []
    for status in statuses:
        for label, fields, other, *only in [("base", {}, {})] + extras:
            if only and status not in only[0]:
                continue  # a flag no transition from this status reads
            sid = transaction.savepoint()
            values = {**(fixed(status) if fixed else {}), status_field: status, **fields}
            try:
                with transaction.atomic():
                    Website.objects.filter(pk=site.pk).update(**values)
                    if other:
                        Website.objects.filter(pk=neighbour.pk).update(**other)
            except IntegrityError:  # a state the constraints rule out (a reviewer on a finished filing)
                transaction.savepoint_rollback(sid)
                continue
            assert_same(workflow, Website, site.pk, users, data_for, today, f"{status} {label}", failures)
            transaction.savepoint_rollback(sid)
    assert not failures, "\n".join(failures[:40])


PENDING_FILINGS = {Filing.DRAFT, Filing.REVIEWING, Filing.REVIEWED, Filing.MODIFYING}


@pytest.mark.django_db
def test_website_filing_table_allowed_is_what_apply_accepts(sites, tree):
    site, neighbour, users = sites
    today = timezone.localdate()

    def fixed(filing):
        return {"reviewer": tree["110108"] if filing in PENDING_FILINGS else None,
                "pending_changes": {"sponsor": "新主办"} if filing == Filing.MODIFYING else {}}

    changeable = {Filing.DONE, Filing.MODIFY_REJECTED}  # where the operator's requests start
    extras = [
        ("at 北京市", {"reviewer": tree["110000"]}, {}, {Filing.REVIEWING, Filing.REVIEWED, Filing.MODIFYING}),
        ("永久下线", {"run_status": RunStatus.PERMANENT_OFFLINE}, {}, changeable),
        ("删除", {"run_status": RunStatus.DELETED}, {}, changeable),
        ("紧急下线", {"run_status": RunStatus.EMERGENCY_OFFLINE, "offline_until": today + timedelta(days=3)}, {}, changeable),
        ("下线待审核", {"offline_state": Offline.PENDING, "offline_kind": "permanent", "offline_reviewer": tree["110108"]}, {},
         changeable),
        ("门户", {"is_portal": True}, {}, changeable),
        ("政务服务平台", {"is_service_platform": True}, {}, changeable),
        ("another portal", {}, {"is_portal": True}, changeable | {Filing.MODIFYING}),
        ("another portal request", {}, {"filing": Filing.MODIFYING, "reviewer": tree["110000"],
                                        "pending_changes": {"is_portal": True}}, changeable),
        ("asks portal, another became it", {"pending_changes": {"is_portal": True}}, {"is_portal": True}, {Filing.MODIFYING}),
    ]
    data = {"approve": {"result_label": "审核通过"}, "reject": {"result_label": "审核未通过", "reason": "不符"},
            "request_change": {"sponsor": "改后的主办单位"}, "reject_change": {"reason": "不符"},
            "maintain_domains": {"other_domains": ["www.guard-other.gov.cn"]}}
    run_variants(site, neighbour, FILING, Filing.values, "filing", extras, lambda n: data.get(n, {}), users, today, fixed)


@pytest.mark.django_db
def test_website_offline_table_allowed_is_what_apply_accepts(sites, tree):
    site, neighbour, users = sites
    today = timezone.localdate()
    states = {  # offline_state → what goes with it
        Offline.NONE: {"offline_reviewer": None},
        Offline.PENDING: {"offline_reviewer": tree["110108"], "offline_kind": "permanent"},
        Offline.APPROVED: {"offline_reviewer": None, "offline_kind": "permanent"},
    }
    extras = [
        ("at 北京市", {"offline_reviewer": tree["110000"]}, {}, {Offline.PENDING}),
        ("临时下线", {"run_status": RunStatus.TEMP_OFFLINE, "offline_until": today + timedelta(days=3)}, {}),
        ("紧急下线", {"run_status": RunStatus.EMERGENCY_OFFLINE, "offline_until": today + timedelta(days=3)}, {}),
        ("修改待审核", {"filing": Filing.MODIFYING, "reviewer": tree["110108"]}, {}),
        ("门户", {"is_portal": True}, {}),
    ]
    data = {"request_offline": {"kind": "permanent", "reason": "并入平台"}, "reject_offline": {"reason": "不同意"}}
    run_variants(site, neighbour, OFFLINE_WORKFLOW, Offline.values, "offline_state", extras, lambda n: data.get(n, {}),
                 users, today, lambda s: states[s])


@pytest.mark.django_db
def test_website_run_status_table_allowed_is_what_apply_accepts(sites, tree):
    site, neighbour, users = sites
    today = timezone.localdate()

    def fixed(status):
        dated = status in (RunStatus.TEMP_OFFLINE, RunStatus.EMERGENCY_OFFLINE)
        return {"offline_until": today + timedelta(days=3) if dated else None}

    temp = {"offline_state": Offline.APPROVED, "offline_kind": "temporary"}
    normal = {RunStatus.NORMAL}  # the flags 紧急下线, 完成下线 and the start of a 临时下线 read
    extras = [
        ("未提交", {"filing": Filing.DRAFT, "reviewer": tree["110108"]}, {}, normal),
        ("审核未通过", {"filing": Filing.REJECTED}, {}, normal),
        ("办结后修改", {"filing": Filing.MODIFYING, "reviewer": tree["110108"]}, {}, normal),
        ("永久下线 approved", {"offline_state": Offline.APPROVED, "offline_kind": "permanent"}, {}, normal),
        ("永久下线 approved, portal", {"offline_state": Offline.APPROVED, "offline_kind": "permanent", "is_portal": True}, {},
         normal),
        ("临时下线 approved, due", {**temp, "offline_from": today, "offline_until": today + timedelta(days=5)}, {}, normal),
        ("临时下线 approved, later", {**temp, "offline_from": today + timedelta(days=2),
                                     "offline_until": today + timedelta(days=5)}, {}, normal),
        ("reopen date reached", {"offline_from": today - timedelta(days=9), "offline_until": today}, {},
         {RunStatus.TEMP_OFFLINE, RunStatus.EMERGENCY_OFFLINE}),
        ("下线待审核", {"offline_state": Offline.PENDING, "offline_kind": "permanent", "offline_reviewer": tree["110108"]}, {},
         normal),
    ]
    data = {"emergency_offline": {"offline_until": today + timedelta(days=3), "reason": "安全漏洞"},
            "mark_exception": {"reason": "国办通知"}, "mark_deleted": {"reason": "国办通知"}}
    run_variants(site, neighbour, RUN_WORKFLOW, RunStatus.values, "run_status", extras, lambda n: data.get(n, {}),
                 users, today, fixed)
