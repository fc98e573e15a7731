"""Two more tables on the same engine for a website: the 下线申请 (`offline_state`) and the
运行状态 (`run_status`). Each transition says who may act and, as guards with their messages,
what the state must be (docs/decisions/0015-transition-guards.md).

下线申请 (`OFFLINE_WORKFLOW`):
- 下线申请 (operator): only while 正常, with no basic-information change waiting, and not for a
  portal (it first asks to cease being one). Temporary: at most 30 days, at most once a year;
  permanent: no reopen date. Reviewed from the own org unit up to L1. The L1 approval leaves it
  下线申请通过: a permanent one waits for the operator's 完成下线, a temporary one for its
  下线日期 (the daily job, `services.apply_due_offline_dates`).

运行状态 (`RUN_WORKFLOW`):
- 紧急下线: an org unit of the chain, or GB, on an approved (已办结) site that is 正常, with an
  expected reopen date; past that date the site is flagged overdue to the chain, not reopened
  by itself (docs/decisions/0016-offline-dates.md).
- 恢复正常: 临时下线 / 永久下线 / 紧急下线 / 例外 / 删除 sites, by the org units of the chain.
- 完成下线: the operator, once a permanent offline was approved.
- 临时下线 starts on its 下线日期 and ends on its 恢复开通时间: the system (the daily job).
- 例外 / 删除: ops staff in the Django admin, with a reason.
"""
from datetime import date

from accounts.models import User
from govmedia.roles import Role
from reviews.engine import Context, Guard, Transition, TransitionError, Workflow, is_system

from .models import OFFLINE_WAITING, Filing, Offline, RESTORABLE, RunStatus
from .models import Website
from .workflow import operator_of_site, org_in_chain

O = Offline  # noqa: E741  (short name of the transition tables below)
R = RunStatus
MAX_TEMPORARY_DAYS = 30
FILED = {Filing.DONE, Filing.MODIFYING, Filing.MODIFY_REJECTED}  # approved once (已办结), whatever came after


# --- who may act ------------------------------------------------------------------------------

def chain_above(user, obj) -> bool:
    """GB, or an org unit whose subtree holds the site."""
    return getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None and (
        user.role == Role.GB or obj.org_path.startswith(user.org_unit.path))


def ops_staff(user, obj) -> bool:
    return getattr(user, "kind", None) == User.Kind.OPS and user.is_staff


# --- what the state must be -------------------------------------------------------------------

NORMAL = Guard(lambda obj, now: obj.run_status == R.NORMAL, "只有运行状态为“正常”的网站可以下线。")
NO_CHANGE_WAITING = Guard(lambda obj, now: obj.filing != Filing.MODIFYING, "网站有待审核的基本信息修改，审核完成后才能申请下线。")
NOT_A_PORTAL_REQUEST = Guard(lambda obj, now: not obj.is_portal, "门户网站不能直接申请下线：请先申请取消门户网站。")
NOT_A_PORTAL = Guard(lambda obj, now: not obj.is_portal, "门户网站不能下线：请先申请取消门户网站。")
AT_MY_UNIT = Guard(lambda obj, now: obj.offline_reviewer_id is not None and obj.offline_reviewer_id == now.user.org_unit_id,
                   "该下线申请已被处理或不在本单位审核，请刷新后查看最新状态。")
FILED_ONLY = Guard(lambda obj, now: obj.filing in FILED, "只能对已办结的网站紧急下线。")
PERMANENT_APPROVED = Guard(lambda obj, now: obj.offline_state == O.APPROVED and obj.offline_kind == "permanent",
                           "永久下线申请审核通过后才能完成下线。")
TEMPORARY_APPROVED = Guard(lambda obj, now: obj.offline_state == O.APPROVED and obj.offline_kind == "temporary",
                           "没有审核通过的临时下线申请。")
START_DATE_REACHED = Guard(lambda obj, now: obj.offline_from is not None and obj.offline_from <= now.today, "未到下线日期。")
REOPEN_DATE_REACHED = Guard(lambda obj, now: obj.offline_until is not None and obj.offline_until <= now.today,
                            "未到恢复开通时间。")


# --- effects ------------------------------------------------------------------------------------

def check_and_store_request(obj, ctx: Context):
    """The form's dates (the state was checked by the guards)."""
    data = ctx.data
    kind, start, until = data.get("kind"), data.get("offline_from"), data.get("offline_until")
    if kind == "temporary":
        if start and start < ctx.today:
            raise TransitionError("下线日期不能早于今天。")
        if not start or not until:
            raise TransitionError("临时下线须填写下线日期和恢复开通时间（功能迁移完成时间）。")
        if until <= start:
            raise TransitionError("恢复开通时间（功能迁移完成时间）须晚于下线日期。")
        if (until - start).days > MAX_TEMPORARY_DAYS:
            raise TransitionError(f"临时下线时间不得超过 {MAX_TEMPORARY_DAYS} 天。")
        if obj.temp_offline_year == start.year:
            raise TransitionError("临时下线每年不得超过 1 次。")
    elif kind == "permanent":
        if start and start < ctx.today:
            raise TransitionError("下线日期不能早于今天。")
        until = None
    else:
        raise TransitionError("请选择下线类型。")
    obj.offline_kind, obj.offline_from, obj.offline_until = kind, start or ctx.today, until
    obj.offline_reason = posted_reason(ctx, "下线原因", OFFLINE_REASON_LIMIT)
    obj.offline_reviewer = obj.org_unit
    ctx.journal_data = {"kind": kind, "from": str(obj.offline_from), "until": str(until or "")}
    ctx.reason = obj.offline_reason


OFFLINE_REASON_LIMIT = 500   # 下线原因 (the manual's 0/500)
REVIEW_REASON_LIMIT = 300    # 驳回/紧急下线/例外 reasons (the manual's 0/300)


def posted_reason(ctx: Context, label: str, limit: int = REVIEW_REASON_LIMIT) -> str:
    """The reason sent with a transition, stripped; over its limit it is refused, never cut."""
    text = (ctx.data.get("reason") or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise TransitionError(f"{label}不能超过{limit}个字（当前{len(text)}个字）")
    return text


def climb_or_decide(obj, ctx: Context):
    ctx.result = "同意下线"
    reviewer = obj.offline_reviewer
    obj.offline_reviewer = reviewer.parent if reviewer.level > 1 else None


def after_offline_approval(obj) -> str:
    return O.PENDING if obj.offline_reviewer_id is not None else O.APPROVED


def refuse_offline(obj, ctx: Context):
    """驳回下线 says why: the operator reads the reason on its page (not just 正常 again)."""
    reason = posted_reason(ctx, "驳回原因")
    if not reason:
        raise TransitionError("请填写驳回原因。")
    ctx.result, ctx.reason = "驳回下线", reason
    obj.offline_reviewer = None


def complete_offline(obj, ctx: Context):
    obj.offline_state = O.NONE


def emergency(obj, ctx: Context):
    until = ctx.data.get("offline_until")
    if not until or until <= ctx.today:
        raise TransitionError("紧急下线须填写预计恢复上线日期（晚于今天）。")
    ctx.reason = posted_reason(ctx, "紧急下线原因")
    if obj.offline_kind == "temporary" and obj.offline_state in (O.PENDING, O.APPROVED):
        # A temporary offline under review, or approved and not started, gives way to the emergency.
        obj.offline_state, obj.offline_reviewer, obj.offline_kind = O.NONE, None, ""
        obj.offline_reviewer_since = None  # another table's effect: OFFLINE_WORKFLOW's stamp does not run here
        ctx.reason = (ctx.reason + "（进行中的临时下线申请随之取消）").strip()
    obj.offline_until = until  # a permanent request has no reopen date: the field is free
    ctx.journal_data = {"until": str(until)}


def clear_dates(obj, ctx: Context):
    obj.offline_until = None
    if obj.offline_state == O.NONE:  # an approved permanent offline keeps its request
        obj.offline_kind = ""


def start_temporary(obj, ctx: Context):
    obj.offline_state = O.NONE
    obj.temp_offline_year = obj.offline_from.year
    ctx.journal_data = {"from": str(obj.offline_from), "until": str(obj.offline_until)}


def with_reason(obj, ctx: Context):
    ctx.reason = posted_reason(ctx, "原因")
    if not ctx.reason:
        raise TransitionError("请填写原因。")


def unit_of(user) -> tuple[str, str]:
    if is_system(user):
        return "system", "系统"
    if user.kind == User.Kind.ORG:
        return user.org_unit.code, user.org_unit.name
    if user.kind == User.Kind.OPS:
        return user.username, "运维人员"
    return user.username, "网站"


T = Transition
f = frozenset
OFFLINE_WORKFLOW = Workflow(
    model=Website, subject_type="website", status_attr="offline_state",
    status_labels=dict(Offline.choices), unit_of=unit_of,
    position_of=lambda obj: f"{obj.offline_reviewer.name}（{obj.offline_reviewer.code}）" if obj.offline_reviewer_id else "",
    # The engine stamps when a request reaches a unit, so it is aged like the others (decision 0031).
    waiting=OFFLINE_WAITING,
    transitions=[
        T("request_offline", "下线申请", f({O.NONE}), O.PENDING, operator_of_site, (check_and_store_request,),
          guards=(NOT_A_PORTAL_REQUEST, NORMAL, NO_CHANGE_WAITING), stale="网站已有进行中的下线申请。",
          button="btn-outline-danger", form="page"),
        T("approve_offline", "同意下线", f({O.PENDING}), after_offline_approval, org_in_chain, (climb_or_decide,),
          kind="review", guards=(AT_MY_UNIT, NOT_A_PORTAL, NORMAL), button="btn-sm btn-primary",
          confirm="确定同意“{name}”的下线申请吗？"),
        T("reject_offline", "驳回下线", f({O.PENDING}), O.NONE, org_in_chain, (refuse_offline,), kind="review",
          guards=(AT_MY_UNIT,), button="btn-sm btn-outline-danger", form="reason_required",
          confirm="确定驳回“{name}”的下线申请吗？"),
    ],
)

EVERY = f(R.values)
RUN_WORKFLOW = Workflow(
    model=Website, subject_type="website", status_attr="run_status",
    status_labels=dict(RunStatus.choices), unit_of=unit_of,
    transitions=[
        T("emergency_offline", "紧急下线", f({R.NORMAL}), R.EMERGENCY_OFFLINE, chain_above, (emergency,),
          guards=(FILED_ONLY,), stale="该网站运行状态已不是“正常”（可能已被紧急下线），请刷新后查看最新状态。",
          button="btn-sm btn-outline-danger", form="until", confirm="确定紧急下线该网站吗？"),
        T("restore_site", "恢复正常", f(RESTORABLE), R.NORMAL, chain_above, (clear_dates,),
          stale="该网站运行状态为正常，无需恢复。", button="btn-sm btn-outline-success", confirm="确定将该网站恢复为正常吗？"),
        T("complete_offline", "完成下线", f({R.NORMAL}), R.PERMANENT_OFFLINE, operator_of_site, (complete_offline,),
          guards=(PERMANENT_APPROVED, NOT_A_PORTAL), stale="只有运行状态为“正常”的网站可以完成下线。",
          button="btn-danger",
          confirm="确认已完成内容迁移并注销注册标识、证书和域名？完成下线后网站状态为永久下线。"),
        T("start_temporary_offline", "临时下线", f({R.NORMAL}), R.TEMP_OFFLINE, is_system, (start_temporary,),
          guards=(TEMPORARY_APPROVED, START_DATE_REACHED)),
        T("end_temporary_offline", "恢复开通", f({R.TEMP_OFFLINE}), R.NORMAL, is_system, (clear_dates,),
          guards=(REOPEN_DATE_REACHED,)),
        T("mark_exception", "例外", EVERY - {R.EXCEPTION}, R.EXCEPTION, ops_staff, (with_reason,),
          stale="该网站已是例外。"),
        T("mark_deleted", "删除", EVERY - {R.DELETED}, R.DELETED, ops_staff, (with_reason,), stale="该网站已删除。"),
    ],
)


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


__all__ = ["OFFLINE_WORKFLOW", "RUN_WORKFLOW", "parse_date"]
