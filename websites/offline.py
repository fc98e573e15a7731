"""下线申请, 紧急下线 and 恢复正常: a second table on the same engine, moving `offline_state`.

- 下线申请 (operator): only while 正常, with no basic-information change waiting, and not for a
  portal (it first asks to cease being one). Temporary: at most 30 days, at most once a year;
  permanent: no reopen date. Reviewed from the own org unit up to L1; the L1 approval takes a
  temporary site offline at once, and lets a permanent one be closed by its operator with
  完成下线 once content is migrated and registrations cancelled.
- 紧急下线: any org unit of the chain above the site, or GB, with an expected reopen date.
- 恢复正常: 例外 / 下线 / 删除 sites, by the org units of the chain (docs/decisions/0005).
"""
from datetime import date

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from reviews.engine import Context, Transition, TransitionError, Workflow
from .models import Filing, Offline, RESTORABLE, RunStatus, Website

O = Offline  # noqa: E741  (short name of the transition tables below)
MAX_TEMPORARY_DAYS = 30


def operator_of_site(user, obj) -> bool:
    return user.kind == User.Kind.SITE and obj.operator_user_id == user.pk


def offline_reviewer(user, obj) -> bool:
    return user.kind == User.Kind.ORG and obj.offline_reviewer_id is not None and obj.offline_reviewer_id == user.org_unit_id


def chain_above(user, obj) -> bool:
    """GB, or an org unit whose subtree holds the site."""
    return user.kind == User.Kind.ORG and (user.role == Role.GB or obj.org_path.startswith(user.org_unit.path))


def check_and_store_request(obj, ctx: Context):
    data = ctx.data
    if obj.run_status != RunStatus.NORMAL:
        raise TransitionError("只有运行状态为“正常”的网站可以申请下线。")
    if obj.filing == Filing.MODIFYING:
        raise TransitionError("网站有待审核的基本信息修改，审核完成后才能申请下线。")
    if obj.is_portal:
        raise TransitionError("门户网站不能直接申请下线：请先申请取消门户网站。")
    kind, start, until = data.get("kind"), data.get("offline_from"), data.get("offline_until")
    if kind == "temporary":
        if start and start < timezone.localdate():
            raise TransitionError("下线日期不能早于今天。")
        if not start or not until or until <= start:
            raise TransitionError("临时下线须填写下线日期和恢复开通时间（功能迁移完成时间）。")
        if (until - start).days > MAX_TEMPORARY_DAYS:
            raise TransitionError(f"临时下线时间不得超过 {MAX_TEMPORARY_DAYS} 天。")
        if obj.temp_offline_year == start.year:
            raise TransitionError("临时下线每年不得超过 1 次。")
    elif kind == "permanent":
        until = None
    else:
        raise TransitionError("请选择下线类型。")
    obj.offline_kind, obj.offline_from, obj.offline_until = kind, start or timezone.localdate(), until
    obj.offline_reason = data.get("reason", "")
    obj.offline_reviewer = obj.org_unit
    ctx.journal_data = {"kind": kind, "from": str(obj.offline_from), "until": str(until or "")}
    ctx.reason = obj.offline_reason


def not_a_portal(obj, ctx: Context):
    if obj.is_portal:
        raise TransitionError("门户网站不能下线：请先申请取消门户网站。")


def climb_or_decide(obj, ctx: Context):
    ctx.result = "同意下线"
    reviewer = obj.offline_reviewer
    if reviewer.level > 1:
        obj.offline_reviewer = reviewer.parent
        return
    obj.offline_reviewer = None
    if obj.offline_kind == "temporary":
        obj.run_status = RunStatus.TEMP_OFFLINE
        obj.temp_offline_year = obj.offline_from.year


def after_offline_approval(obj) -> str:
    if obj.offline_reviewer_id is not None:
        return O.PENDING
    return O.APPROVED if obj.offline_kind == "permanent" else O.NONE


def refuse_offline(obj, ctx: Context):
    ctx.result, ctx.reason = "驳回下线", ctx.data.get("reason", "")
    obj.offline_reviewer = None


def complete_offline(obj, ctx: Context):
    obj.run_status = RunStatus.PERMANENT_OFFLINE


def emergency(obj, ctx: Context):
    until = ctx.data.get("offline_until")
    if not until or until <= timezone.localdate():
        raise TransitionError("紧急下线须填写预计恢复上线日期（晚于今天）。")
    if obj.run_status != RunStatus.NORMAL:
        raise TransitionError("只有运行状态为“正常”的网站可以紧急下线。")
    obj.run_status, obj.offline_until = RunStatus.EMERGENCY_OFFLINE, until
    ctx.reason = ctx.data.get("reason", "")


def restore(obj, ctx: Context):
    if obj.run_status not in RESTORABLE:
        raise TransitionError("该网站运行状态为正常，无需恢复。")
    obj.run_status, obj.offline_kind, obj.offline_until = RunStatus.NORMAL, "", None


def unit_of(user) -> tuple[str, str]:
    if user.kind == User.Kind.ORG:
        return user.org_unit.code, user.org_unit.name
    return user.username, "网站"


T = Transition
f = frozenset
OFFLINE_WORKFLOW = Workflow(
    model=Website, subject_type="website", status_attr="offline_state",
    status_labels=dict(Offline.choices), unit_of=unit_of,
    position_of=lambda obj: f"{obj.offline_reviewer.name}（{obj.offline_reviewer.code}）" if obj.offline_reviewer_id else "",
    transitions=[
        T("request_offline", "下线申请", f({O.NONE}), O.PENDING, operator_of_site, (check_and_store_request,)),
        T("approve_offline", "同意下线", f({O.PENDING}), after_offline_approval, offline_reviewer,
          (not_a_portal, climb_or_decide), kind="review"),
        T("reject_offline", "驳回下线", f({O.PENDING}), O.NONE, offline_reviewer, (refuse_offline,), kind="review"),
        T("complete_offline", "完成下线", f({O.APPROVED}), O.NONE, operator_of_site, (not_a_portal, complete_offline),
          after_label="永久下线"),
        T("emergency_offline", "紧急下线", f({O.NONE}), O.NONE, chain_above, (emergency,), after_label="紧急下线"),
        T("restore_site", "恢复正常", f({O.NONE}), O.NONE, chain_above, (restore,), after_label="正常"),
    ],
)


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


__all__ = ["OFFLINE_WORKFLOW", "parse_date"]
