"""The 检查结果信息表's life on the review engine (decision 0039): 填写 (未报送 / 已退回) → 提交 (a
filer unit) or 上报 (an org unit, to its parent) → 退回 / 审核通过 by the reviewing org unit.

Who may ever act is the actor (403); what the state must be is the source and the guards, each
with its Chinese refusal (409). A stale tab lands on 该检查表已被处理 through the version check.
"""
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from reviews import journal
from reviews.engine import Guard, StateConflict, Transition, TransitionError, Workflow

from .models import CheckSheet

S = CheckSheet.Status
HANDLED = "该检查表已被处理，请刷新后查看最新状态。"
OPEN = frozenset({S.DRAFT, S.RETURNED})


def owns(user, sheet: CheckSheet) -> bool:
    if getattr(user, "kind", None) == User.Kind.FILER:
        return sheet.filer_unit_id is not None and sheet.filer_unit_id == user.filer_unit_id
    return (getattr(user, "kind", None) == User.Kind.ORG and sheet.filer_unit_id is None
            and sheet.org_unit_id == user.org_unit_id)


def reviewer_of(sheet: CheckSheet) -> int | None:
    """The org unit (id) that reviews the sheet: the filer's org unit, or the org unit's parent."""
    return sheet.org_unit_id if sheet.filer_unit_id else sheet.org_unit.parent_id


def may_review(user, sheet: CheckSheet) -> bool:
    return (getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None
            and reviewer_of(sheet) == user.org_unit_id)


def children_q(org_unit_id: int) -> Q:
    """The sheets an org unit reviews: its filer units' and its child org units'."""
    return Q(filer_unit__isnull=False, org_unit_id=org_unit_id) | Q(filer_unit__isnull=True, org_unit__parent_id=org_unit_id)


def children_sheets(sheet: CheckSheet):
    return CheckSheet.objects.filter(year=sheet.year, quarter=sheet.quarter).filter(children_q(sheet.org_unit_id))


def _header_filled(sheet, situation) -> bool:
    return bool(sheet.filler_name and sheet.filler_phone)


def _rows_marked(sheet, situation) -> bool:
    return not sheet.items.filter(unregistered=False, passed__isnull=True).exists()


def _children_reviewed(sheet, situation) -> bool:
    return not children_sheets(sheet).filter(status=S.SUBMITTED).exists()


def _reviewer_sheet_open(sheet, situation) -> bool:
    """The reviewer has not reported its own sheet upward yet (then the figures are frozen)."""
    own = CheckSheet.objects.filter(filer_unit__isnull=True, org_unit_id=reviewer_of(sheet), year=sheet.year,
                                    quarter=sheet.quarter).values_list("status", flat=True).first()
    return own is None or own in OPEN


HEADER = Guard(_header_filled, "请先填写填表人和联系电话并保存。")
MARKED = Guard(_rows_marked, "还有检查结果未填写是否合格，请逐条填写并保存。")
CHILDREN = Guard(_children_reviewed, "还有下级检查结果待审核，请先审核或退回。")
REVIEWER_OPEN = Guard(_reviewer_sheet_open, "本单位检查结果已报送上级，不能再审核下级检查结果。")


def own_counts(sheet: CheckSheet) -> dict:
    return sheet.items.aggregate(checked=Count("id", filter=Q(unregistered=False)),
                                 failed=Count("id", filter=Q(unregistered=False, passed=False)),
                                 unregistered=Count("id", filter=Q(unregistered=True)))


def count_figures(sheet: CheckSheet, ctx) -> None:
    """The sheet's figures when it is reported: its own rows, plus (an org sheet) its children's accepted sheets."""
    own = own_counts(sheet)
    totals = dict(own)
    if not sheet.filer_unit_id:
        done = children_sheets(sheet).filter(status=S.ACCEPTED).values_list("checked_count", "failed_count",
                                                                           "unregistered_count")
        for checked, failed, unregistered in done:
            totals["checked"] += checked
            totals["failed"] += failed
            totals["unregistered"] += unregistered
    sheet.own_checked_count, sheet.own_failed_count, sheet.own_unregistered_count = (
        own["checked"], own["failed"], own["unregistered"])
    sheet.checked_count, sheet.failed_count, sheet.unregistered_count = (
        totals["checked"], totals["failed"], totals["unregistered"])
    sheet.submitted_at, sheet.return_reason = timezone.now(), ""
    ctx.journal_data = {"checked_count": sheet.checked_count, "failed_count": sheet.failed_count,
                        "unregistered_count": sheet.unregistered_count}


def stamp_review(sheet: CheckSheet, ctx) -> None:
    sheet.reviewed_at = timezone.now()


def return_reason(sheet: CheckSheet, ctx) -> None:
    reason = (ctx.data.get("reason") or "").strip()
    if not reason:
        raise TransitionError("请填写退回原因。")
    sheet.return_reason = ctx.reason = reason[:500]
    sheet.reviewed_at = timezone.now()


def _owns_filer(user, sheet) -> bool:
    return sheet.filer_unit_id is not None and owns(user, sheet)


def _owns_org(user, sheet) -> bool:
    return sheet.filer_unit_id is None and owns(user, sheet)


TRANSITIONS = [
    Transition("check_submit", "提交检查结果", OPEN, S.SUBMITTED, _owns_filer, effects=(count_figures,),
               guards=(HEADER, MARKED), stale=HANDLED, button="btn-success", button_label="提交",
               confirm="提交后不能再修改（上级退回后可修改），确定提交吗？"),
    Transition("check_report_up", "上报检查结果", OPEN, S.SUBMITTED, _owns_org, effects=(count_figures,),
               guards=(CHILDREN, HEADER, MARKED), stale=HANDLED, button="btn-success", button_label="报送上级",
               confirm="报送后不能再修改（上级退回后可修改），确定报送吗？"),
    Transition("check_accept", "审核通过检查结果", frozenset({S.SUBMITTED}), S.ACCEPTED, may_review, kind="review",
               effects=(stamp_review,), guards=(REVIEWER_OPEN,), stale=HANDLED, button="btn-success",
               button_label="审核通过", result="审核通过"),
    Transition("check_return", "退回检查结果", frozenset({S.SUBMITTED, S.ACCEPTED}), S.RETURNED, may_review,
               kind="review", effects=(return_reason,), guards=(REVIEWER_OPEN,), stale=HANDLED,
               button="btn-outline-danger", button_label="退回", form="reason_required", result="退回"),
]

WORKFLOW = Workflow(model=CheckSheet, subject_type="checksheet", transitions=TRANSITIONS,
                    status_labels={"": "", **dict(S.choices)}, unit_of=journal.unit_of)


def submit_name(sheet: CheckSheet) -> str:
    return "check_submit" if sheet.filer_unit_id else "check_report_up"


def unreported_children(sheet: CheckSheet, limit: int = 50) -> tuple[list[str], int]:
    """The children of an org sheet still 未报送 or 已退回: (the first names, how many in all) —
    reporting upward with them asks for a confirmation that names them."""
    qs = children_sheets(sheet).filter(status__in=OPEN).order_by("filer_unit_id", "org_path", "unit_name")
    names = list(qs.values_list("unit_name", flat=True)[:limit])
    return names, (len(names) if len(names) < limit else qs.count())


def conflict(message: str = HANDLED) -> StateConflict:
    return StateConflict(message)
