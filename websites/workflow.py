"""The website filing transitions, on the same review engine as media accounts.

A public application lands at the org unit whose code it names, as 未提交; that unit submits it
(当页数据全部提交 → 审核中) and reviews it; each approval below level 1 sends it up (已审核), the
L1 approval ends it (已办结) and the 16:00 job gives it its site code. A rejection (our addition,
SPEC §10) ends it as 审核未通过.
"""
from django.utils import timezone

from accounts.models import User
from reviews.engine import NEW, Context, Transition, Workflow

from .models import Filing, Website

F = Filing
f = frozenset


def public_applicant(user, obj) -> bool:
    return not getattr(user, "is_authenticated", False)


def own_org_unit(user, obj) -> bool:
    return user.kind == User.Kind.ORG and obj.reviewer_id is not None and obj.reviewer_id == user.org_unit_id


current_reviewer = own_org_unit  # 审核定位 = the unit holding it now


def land_at_org(obj, ctx: Context):
    for name, value in ctx.data.items():
        setattr(obj, name, value)
    obj.org_path = obj.org_unit.path
    obj.reviewer = obj.org_unit
    ctx.person_name, ctx.person_phone = obj.contact_name, obj.contact_mobile


def record_review(obj, ctx: Context):
    ctx.reason = ctx.data.get("reason", "") or ""
    ctx.result = ctx.data.get("result_label", "")
    unit = ctx.user.org_unit
    obj.last_review = {"result": ctx.result, "reason": ctx.reason, "unit": f"{unit.name}（{unit.code}）",
                       "at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")}


def climb_or_finish(obj, ctx: Context):
    reviewer = obj.reviewer
    if reviewer.level <= 1:
        obj.reviewer = None
        obj.final_approved_at = ctx.data.get("now") or timezone.now()
    else:
        obj.reviewer = reviewer.parent


def clear_reviewer(obj, ctx: Context):
    obj.reviewer = None


def operator_of_site(user, obj) -> bool:
    return user.kind == User.Kind.SITE and obj.operator_user_id == user.pk


def to_change_reviewer(obj, ctx: Context):
    """基本信息修改: the proposed values wait apart; a department site is reviewed by its own org
    unit, a portal by the parent org unit (the manual's note)."""
    if obj.offline_state != "none":
        from reviews.engine import TransitionError

        raise TransitionError("网站有进行中的下线申请，不能同时修改基本信息。")
    proposed = {k: v for k, v in ctx.data.items() if getattr(obj, k) != v}
    if not proposed:
        from reviews.engine import TransitionError

        raise TransitionError("未修改任何信息。")
    if proposed.get("is_portal") and Website.objects.filter(org_unit=obj.org_unit, is_portal=True).exclude(
            pk=obj.pk).exclude(filing=F.REJECTED).exists():
        from reviews.engine import TransitionError

        raise TransitionError("该组织单位已有本级政府门户网站，一个组织单位只能有一个门户。")
    obj.pending_changes = proposed
    ctx.changes = [{"field": k, "label": str(Website._meta.get_field(k).verbose_name),
                    "old": _show(getattr(obj, k)), "new": _show(v)} for k, v in proposed.items()]
    obj.reviewer = change_reviewer(obj, proposed)
    ctx.person_name, ctx.person_phone = obj.contact_name, obj.contact_mobile


def change_reviewer(obj, proposed: dict):
    """Becoming a portal, and either change of the service-platform flag, are reviewed by the parent
    org unit; ceasing to be a portal by the own org unit; any other change of a portal by the parent,
    of a department site by the own org unit (SPEC §10)."""
    parent = obj.org_unit.parent if obj.org_unit.parent_id else obj.org_unit
    if proposed.get("is_portal") is True or "is_service_platform" in proposed:
        return parent
    if proposed.get("is_portal") is False:
        return obj.org_unit
    return parent if obj.is_portal else obj.org_unit


def _show(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v.get('names', '')}" for k, v in value.items())
    return "" if value is None else str(value)


def apply_change(obj, ctx: Context):
    ctx.changes = [{"field": k, "label": str(Website._meta.get_field(k).verbose_name),
                    "old": _show(getattr(obj, k)), "new": _show(v)} for k, v in obj.pending_changes.items()]
    if obj.pending_changes.get("is_portal") and Website.objects.filter(
            org_unit=obj.org_unit, is_portal=True).exclude(pk=obj.pk).exclude(filing=F.REJECTED).exists():
        from reviews.engine import TransitionError

        raise TransitionError("该组织单位已有本级政府门户网站，一个组织单位只能有一个门户。")
    for name, value in obj.pending_changes.items():
        setattr(obj, name, value)
    obj.pending_changes = {}
    obj.reviewer = None


def mark_change_review(obj, ctx: Context):
    record_review(obj, ctx)
    obj.last_review["kind"] = "change"


def after_approval(obj) -> str:
    return F.DONE if obj.reviewer_id is None else F.REVIEWED


T = Transition
TRANSITIONS = [
    T("apply", "新增网站申请", f({NEW}), F.DRAFT, public_applicant, (land_at_org,), kind="create"),
    T("submit", "提交", f({F.DRAFT}), F.REVIEWING, own_org_unit, ()),
    T("approve", "审核通过", f({F.REVIEWING, F.REVIEWED}), after_approval, current_reviewer,
      (record_review, climb_or_finish), result="审核通过", kind="review"),
    T("reject", "审核退回", f({F.DRAFT, F.REVIEWING, F.REVIEWED}), F.REJECTED, current_reviewer,
      (record_review, clear_reviewer), result="审核未通过", kind="review"),
    # 基本信息修改 (basic information and 栏目) by the operator, reviewed by one org unit.
    T("request_change", "基本信息修改", f({F.DONE, F.MODIFY_REJECTED}), F.MODIFYING, operator_of_site, (to_change_reviewer,)),
    T("approve_change", "办结修改审核通过", f({F.MODIFYING}), F.DONE, current_reviewer,
      (mark_change_review, apply_change), result="修改审核通过", kind="review"),
    T("reject_change", "办结修改审核退回", f({F.MODIFYING}), F.MODIFY_REJECTED, current_reviewer,
      (mark_change_review, clear_reviewer), result="修改后审核未通过", kind="review"),
]


def unit_of(user) -> tuple[str, str]:
    if getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id:
        return user.org_unit.code, user.org_unit.name
    if not getattr(user, "is_authenticated", False):
        return "public", "公众申请"
    return user.username, "网站"


def position_of(obj) -> str:
    return f"{obj.reviewer.name}（{obj.reviewer.code}）" if obj.reviewer_id else ""


WORKFLOW = Workflow(model=Website, subject_type="website", transitions=TRANSITIONS,
                    status_labels={NEW: "", **dict(Filing.choices)}, unit_of=unit_of, position_of=position_of)
