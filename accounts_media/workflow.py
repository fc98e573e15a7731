"""The media-account transitions of SPEC §7, declared in one table (read it top to bottom).

Who may trigger each (the actor: role and scope, never the state): the filer unit that owns the
account; an org unit above it; the L1 unit above the account (restore requests); GB. What the
state must be (the source and the guards, each with its message): a review is done by the org
unit the request currently sits at (审核定位: add requests climb level by level to L1; modify and
closure requests sit at the filer's own org unit only); an account is restored once ever.
"""
import re

from django.db.models import BigIntegerField
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from accounts.models import User
from govmedia.roles import Role
from control.guards import VERIFIED_BEFORE_APPROVAL  # proof of control (issue 28, 0058)
from orgtree.codes import SerialExhausted, next_serial
from reviews.engine import NEW, Context, Guard, Transition, TransitionError, Workflow

from .models import MediaAccount, Status
from orgtree.models import FilerUnit
from orgtree.selectors import root
from .counts import bump_generation, refresh_counts
from .filing import stamp_submission
from .platforms import WECHAT_KIND_LABELS

S = Status
EDITABLE_FIELDS = [
    "operator", "account_type", "wechat_kind", "platform_name", "url", "platform_id", "name",
    "represents_government", "func_publish", "func_service", "func_interact", "func_other", "func_other_text",
    "contact_name", "contact_title", "contact_mobile", "contact_landline", "opened_on",
]
# A change request may not touch the identity of the account (code, type, platform id), nor the
# 开设时间 that its 逾期备案 flag was judged on.
MODIFIABLE_FIELDS = [f for f in EDITABLE_FIELDS if f not in ("account_type", "platform_id", "platform_name", "opened_on")]


# --- who may act -----------------------------------------------------------------------------

def owner_filer(user, obj) -> bool:
    return user.kind == User.Kind.FILER and user.filer_unit_id is not None and obj.filer_unit_id == user.filer_unit_id


def org_above(user, obj) -> bool:
    """An org unit whose subtree holds the account (GB included): the reviewers' side."""
    return user.kind == User.Kind.ORG and user.org_unit_id is not None and bool(obj.org_path) \
        and obj.org_path.startswith(user.org_unit.path)


def add_reviewer_side(user, obj) -> bool:
    """An add request climbs from the own org unit to L1: the org units on that road."""
    return org_above(user, obj) and user.role != Role.GB


def own_org_unit(user, obj) -> bool:
    """Modify and closure requests are reviewed by the filer's own org unit only."""
    return user.kind == User.Kind.ORG and user.org_unit_id is not None and obj.org_path == user.org_unit.path


def gb(user, obj) -> bool:
    return user.role == Role.GB


def l1_above(user, obj) -> bool:
    return user.role == Role.L1 and obj.org_path.startswith(user.org_unit.path)


def national_office(user, obj) -> bool:
    return user.role == Role.GB or (user.kind == User.Kind.OPS and user.is_staff)


# --- what the state must be ------------------------------------------------------------------

AT_MY_UNIT = Guard(lambda obj, now: obj.reviewer_id is not None and obj.reviewer_id == now.user.org_unit_id,
                   "该申请已被处理或不在本单位审核，请刷新后查看最新状态。")
FIRST_RESTORE = Guard(lambda obj, now: not obj.restore_requested, "关停账号只能恢复一次。")


# --- side effects ------------------------------------------------------------------------------

def fill_from_form(obj, ctx: Context):
    for name in EDITABLE_FIELDS:
        if name in ctx.data:
            setattr(obj, name, ctx.data[name])
    if not obj.pk:
        obj.org_path = obj.filer_unit.org_unit.path


def to_own_org(obj, ctx: Context):
    obj.reviewer = obj.filer_unit.org_unit


def stamp_filing(obj, ctx: Context):
    """提交 / 重新添加申请: the first submission date and the 逾期备案 flag (3 working days)."""
    stamp_submission(obj, ctx.today)


def to_national_office(obj, ctx: Context):
    obj.reviewer = root()


def clear_reviewer(obj, ctx: Context):
    obj.reviewer = None


def record_review(obj, ctx: Context):
    data = ctx.data
    ctx.person_name, ctx.person_phone = data.get("reviewer_name", ""), data.get("reviewer_phone", "")
    ctx.reason = data.get("reason", "") or ""
    unit = ctx.user.org_unit
    obj.last_review = {
        "result": data.get("result_label", ""), "reason": ctx.reason, "reviewer_name": ctx.person_name,
        "reviewer_phone": ctx.person_phone, "unit": f"{unit.name}（{unit.code}）",
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }
    ctx.result = data.get("result_label", "")


def approve_add_level(obj, ctx: Context):
    """逐级审核: up to the parent, or final at level 1 with the media code."""
    reviewer = obj.reviewer
    if reviewer.level <= 1:
        assign_media_code(obj)
        obj.reviewer = None
    else:
        obj.reviewer = reviewer.parent


def assign_media_code(obj):
    filer_code = obj.filer_unit.code
    prefix = f"{filer_code}{obj.account_type}"
    # The highest serial already used (a lost counter never reissues it), in the counter's own statement.
    highest = (MediaAccount.objects.filter(media_code__startswith=prefix, media_code__regex=rf"^{re.escape(prefix)}[0-9]+$")
               .annotate(serial=Cast(Substr("media_code", len(prefix) + 1), BigIntegerField()))
               .order_by("-serial").values("serial")[:1])
    try:
        serial = next_serial(f"media:{prefix}", maximum=9999, floor_sql=highest.query.sql_with_params())
    except SerialExhausted:
        raise TransitionError("该填报单位此类账号的标识码已用尽，请联系技术支持。")
    obj.media_code = f"{prefix}{serial:04d}"


def store_changes(obj, ctx: Context):
    """修改: keep the proposed values apart; the live record is unchanged until approval."""
    proposed = {}
    for name in MODIFIABLE_FIELDS:
        if name in ctx.data and ctx.data[name] != getattr(obj, name):
            proposed[name] = ctx.data[name]
    if not proposed:
        raise TransitionError("未修改任何信息。")
    obj.pending_changes = proposed
    ctx.changes = change_list(obj, proposed)


def apply_changes(obj, ctx: Context):
    ctx.changes = change_list(obj, obj.pending_changes)
    for name, value in obj.pending_changes.items():
        setattr(obj, name, value)
    obj.pending_changes = {}


def drop_changes(obj, ctx: Context):
    ctx.changes = change_list(obj, obj.pending_changes)
    obj.pending_changes = {}


def change_list(obj, proposed: dict) -> list[dict]:
    return [{"field": name, "label": field_label(name), "old": display_value(name, getattr(obj, name)),
             "new": display_value(name, value)} for name, value in proposed.items()]


def field_label(name: str) -> str:
    return str(MediaAccount._meta.get_field(name).verbose_name)


def display_value(name: str, value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if name == "wechat_kind":
        return WECHAT_KIND_LABELS.get(value, value or "")
    return "" if value is None else str(value)


def store_request(obj, ctx: Context):
    """关停 / 关停恢复申请: the applicant's form, kept for the dialogs and the journal."""
    data = {k: v for k, v in ctx.data.items() if k != "csrfmiddlewaretoken"}
    obj.request_data = data
    ctx.person_name, ctx.person_phone = data.get("applicant_name", ""), data.get("applicant_phone", "")
    ctx.reason = data.get("detail") or data.get("reason") or ""
    ctx.journal_data = data


def mark_restore_requested(obj, ctx: Context):
    obj.restore_requested = True


def remove(kind):
    def effect(obj, ctx: Context):
        obj.removed_at = timezone.now()
        obj.removal = kind
        obj.removal_reason = ctx.data.get("reason", "") or ""
        obj.reviewer = None
        ctx.reason = obj.removal_reason
    return effect


def stay(obj) -> str:
    return obj.status


def after_add_review(obj) -> str:
    return S.NORMAL if obj.reviewer_id is None else S.ADD_PENDING


# --- the table -------------------------------------------------------------------------------

T = Transition
f = frozenset
TRANSITIONS = [
    # 1-2: a new account, or a draft, is saved again (暂存) or submitted (提交) to the own org unit.
    T("save_draft", "暂存", f({NEW, S.DRAFT}), S.DRAFT, owner_filer, (fill_from_form,), kind="create",
      button="btn-sm btn-primary", form="page", button_label="编辑"),
    T("submit", "提交", f({NEW, S.DRAFT}), S.ADD_PENDING, owner_filer, (fill_from_form, to_own_org, stamp_filing),
      kind="create"),
    T("delete_draft", "删除", f({S.DRAFT}), stay, owner_filer, (remove(MediaAccount.Removal.DRAFT_DELETED),),
      after_label="已删除",
      button="btn-sm btn-outline-danger", confirm="确定删除这条未提交的账号信息吗？"),
    # 3-4: level-by-level add review; L1 is final and generates the media code.
    T("approve_add", "同意添加", f({S.ADD_PENDING}), after_add_review, add_reviewer_side,
      (record_review, approve_add_level), result="同意添加", kind="review", guards=(AT_MY_UNIT, VERIFIED_BEFORE_APPROVAL),
      button="btn-sm btn-primary", form="page", button_label="审核"),
    T("reject_add", "驳回添加", f({S.ADD_PENDING}), S.ADD_REJECTED, add_reviewer_side,
      (record_review, clear_reviewer), result="驳回添加", kind="review", guards=(AT_MY_UNIT,)),
    # 5-6: the filer resubmits (review restarts at the own org unit) or abandons.
    T("resubmit_add", "重新添加申请", f({S.ADD_REJECTED}), S.ADD_PENDING, owner_filer,
      (fill_from_form, to_own_org, stamp_filing),
      button="btn-primary", form="page"),
    T("abandon_add", "放弃添加申请", f({S.ADD_REJECTED}), stay, owner_filer, (remove(MediaAccount.Removal.ABANDONED),),
      after_label="已放弃",
      button="btn-outline-danger", confirm="放弃后该账号将不再显示在列表中，确定放弃添加申请吗？"),
    # 7-9: change requests, reviewed by the filer's own org unit only.
    T("request_modify", "修改", f({S.NORMAL}), S.MODIFY_PENDING, owner_filer, (store_changes, to_own_org),
      button="btn-sm btn-primary", form="page"),
    T("approve_modify", "同意修改", f({S.MODIFY_PENDING}), S.NORMAL, own_org_unit,
      (record_review, apply_changes, clear_reviewer), result="同意修改", kind="review", guards=(AT_MY_UNIT,),
      button="btn-sm btn-primary", form="page", button_label="审核"),
    T("reject_modify", "驳回修改", f({S.MODIFY_PENDING}), S.MODIFY_REJECTED, own_org_unit,
      (record_review, clear_reviewer), result="驳回修改", kind="review", guards=(AT_MY_UNIT,)),
    T("resubmit_modify", "重新修改申请", f({S.MODIFY_REJECTED}), S.MODIFY_PENDING, owner_filer, (store_changes, to_own_org),
      button="btn-primary", form="page", button_label="重新修改账号"),
    T("abandon_modify", "放弃修改申请", f({S.MODIFY_REJECTED}), S.NORMAL, owner_filer, (drop_changes,),
      button="btn-outline-danger", button_label="放弃账号修改申请", confirm="确定放弃本次修改申请吗？账号保持原信息。"),
    # 10-12: closure, reviewed by the own org unit; 关停 is final for the filer.
    T("request_close", "关停", f({S.NORMAL}), S.CLOSE_PENDING, owner_filer, (store_request, to_own_org),
      button="btn-sm btn-outline-danger", form="page"),
    T("approve_close", "同意关停", f({S.CLOSE_PENDING}), S.CLOSED, own_org_unit,
      (record_review, clear_reviewer), result="同意关停", kind="review", guards=(AT_MY_UNIT,),
      button="btn-sm btn-primary", form="page", button_label="审核"),
    T("reject_close", "驳回关停", f({S.CLOSE_PENDING}), S.CLOSE_REJECTED, own_org_unit,
      (record_review, clear_reviewer), result="驳回关停", kind="review", guards=(AT_MY_UNIT,)),
    T("resubmit_close", "重新关停申请", f({S.CLOSE_REJECTED}), S.CLOSE_PENDING, owner_filer, (store_request, to_own_org),
      button="btn-primary", form="page"),
    T("abandon_close", "放弃关停申请", f({S.CLOSE_REJECTED}), S.NORMAL, owner_filer, (),
      button="btn-outline-danger", confirm="放弃关停申请的账号视为正常账号，确定放弃吗？"),
    # 13-15: restore, once per account ever, asked by the L1 unit above, decided by GB.
    T("request_restore", "恢复", f({S.CLOSED}), S.RESTORE_PENDING, l1_above,
      (store_request, mark_restore_requested, to_national_office), guards=(FIRST_RESTORE,),
      stale="只有“关停”状态的账号可以申请恢复，且关停账号只能恢复一次：请刷新后查看最新状态。",
      button="btn-sm btn-outline-primary", form="page"),
    T("approve_restore", "同意恢复", f({S.RESTORE_PENDING}), S.NORMAL, gb,
      (record_review, clear_reviewer), result="同意恢复", kind="review", guards=(AT_MY_UNIT,),
      button="btn-sm btn-primary", form="page", button_label="审核"),
    T("reject_restore", "驳回关停恢复申请", f({S.RESTORE_PENDING}), S.RESTORE_REJECTED, gb,
      (record_review, clear_reviewer), result="驳回关停恢复申请", kind="review", guards=(AT_MY_UNIT,)),
    T("resubmit_restore", "重新关停恢复申请", f({S.RESTORE_REJECTED}), S.RESTORE_PENDING, l1_above,
      (store_request, to_national_office),
      button="btn-primary", form="page"),
    T("abandon_restore", "放弃关停恢复申请", f({S.RESTORE_REJECTED}), S.CLOSED, l1_above, (),
      button="btn-outline-danger", confirm="放弃关停恢复申请的账号视为关停账号，确定放弃吗？"),
    # 16: 删除 (退出监管), by GB on a formal request, from any status.
    T("delete", "删除", f(Status.values), stay, national_office, (remove(MediaAccount.Removal.DELETED),),
      after_label="已删除",
      button="btn-sm btn-danger", form="page"),
]

# The review a pending status asks for: (approve, reject, dialog title, rejection-text label).
REVIEWS = {
    S.ADD_PENDING: ("approve_add", "reject_add", "添加待审核", "驳回原因"),
    S.MODIFY_PENDING: ("approve_modify", "reject_modify", "修改待审核", "驳回意见"),
    S.CLOSE_PENDING: ("approve_close", "reject_close", "关停审核", "驳回关停"),
    S.RESTORE_PENDING: ("approve_restore", "reject_restore", "关停恢复审核", "驳回原因"),
}


def unit_of(user) -> tuple[str, str]:
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return user.org_unit.code, user.org_unit.name
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return user.filer_unit.code, user.filer_unit.name
    return user.username, "运维人员"


def position_of(obj) -> str:
    return f"{obj.reviewer.name}（{obj.reviewer.code}）" if obj.reviewer_id else ""


def refresh_filer_counts(obj, transition):
    refresh_counts(obj.filer_unit_id)
    bump_generation()


def refresh_filer_counts_bulk(objs, transition):
    for filer_unit_id in {obj.filer_unit_id for obj in objs}:
        refresh_counts(filer_unit_id)
    bump_generation()


def lock_filer_unit(obj):
    """Lock the filer unit first: its 账号数量 is recomputed by every transition, and deleting
    the unit checks it, so they must take turns (and always in this order: unit, then account)."""
    list(FilerUnit.objects.select_for_update().filter(pk=obj.filer_unit_id).values_list("pk", flat=True))


WORKFLOW = Workflow(
    model=MediaAccount,
    subject_type="media_account",
    transitions=TRANSITIONS,
    status_labels={NEW: "", **dict(Status.choices)},
    unit_of=unit_of,
    position_of=position_of,
    after_save=(refresh_filer_counts,),
    after_bulk=(refresh_filer_counts_bulk,),
    lock_first=lock_filer_unit,
    waiting=("reviewer", "reviewer_since"),
    related=("reviewer", "filer_unit"),  # the add review's next unit and the code's prefix: no query of their own
)
