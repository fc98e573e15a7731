"""The website filing transitions, on the same review engine as media accounts.

A public application lands at the org unit whose code it names, as 未提交; that unit submits it
(当页数据全部提交 → 审核中) and reviews it; each approval below level 1 sends it up (已审核), the
L1 approval ends it (已办结) and the 16:00 job gives it its site code. A rejection (our addition,
SPEC §10) ends it as 审核未通过.
"""
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from govmedia.roles import Role
from reviews.engine import NEW, Context, Guard, Transition, TransitionError, Workflow
from orgtree.models import FilerUnit

from .models import Filing, Offline, RunStatus, Website
from .rules import domains_refusal, duplicate_of, identity_refusal, normalise_homepage
from orgtree.models import OrgUnit

F = Filing
f = frozenset


# --- who may act (role and scope; never the state) --------------------------------------------

def public_applicant(user, obj) -> bool:
    return not getattr(user, "is_authenticated", False)


def org_in_chain(user, obj) -> bool:
    """An org unit whose subtree holds the site, below GB (the review road goes up to L1)."""
    return (getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None and user.role != Role.GB
            and bool(obj.org_path) and obj.org_path.startswith(user.org_unit.path))


def site_org_unit(user, obj) -> bool:
    """The org unit the site belongs to: the one that submits an application it received."""
    return getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None and obj.org_unit_id == user.org_unit_id


def org_above(user, obj) -> bool:
    """An org unit whose subtree holds the site, GB included (a portal's change at an L1 unit is
    reviewed by the parent, GB)."""
    return (getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None
            and bool(obj.org_path) and obj.org_path.startswith(user.org_unit.path))


def operator_of_site(user, obj) -> bool:
    return getattr(user, "kind", None) == User.Kind.SITE and obj.operator_user_id is not None and obj.operator_user_id == user.pk


# --- what the state must be ---------------------------------------------------------------------

AT_MY_UNIT = Guard(lambda obj, now: obj.reviewer_id is not None and obj.reviewer_id == now.user.org_unit_id,
                   "该申请已被处理或不在本单位审核，请刷新后查看最新状态。")
NO_OFFLINE_REQUEST = Guard(lambda obj, now: obj.offline_state == Offline.NONE, "网站有进行中的下线申请，不能同时修改基本信息。")
NOT_CLOSED = Guard(lambda obj, now: obj.run_status != RunStatus.PERMANENT_OFFLINE, "永久下线的网站不能再申请变更。")
NOT_DELETED = Guard(lambda obj, now: obj.run_status != RunStatus.DELETED, "已删除的网站不能申请变更。")
CHANGE_GUARDS = (NOT_CLOSED, NOT_DELETED, NO_OFFLINE_REQUEST)


def portal_taken(obj) -> bool:
    """Another site of the org unit is its portal, or has a request to become it waiting."""
    return Website.objects.filter(org_unit_id=obj.org_unit_id).exclude(pk=obj.pk).exclude(filing=F.REJECTED).filter(
        Q(is_portal=True) | Q(filing=F.MODIFYING, pending_changes__is_portal=True)).exists()


ONE_PORTAL = Guard(lambda obj, now: not portal_taken(obj), "一个组织单位只能有一个门户网站（已有门户网站或待审核的门户网站申请）。")
PORTAL_STILL_FREE = Guard(
    lambda obj, now: not (obj.pending_changes or {}).get("is_portal") or not Website.objects.filter(
        org_unit_id=obj.org_unit_id, is_portal=True).exclude(pk=obj.pk).exclude(filing=F.REJECTED).exists(),
    "该组织单位已有本级政府门户网站，一个组织单位只能有一个门户：请审核退回。")


def identity_taken(obj) -> bool:
    """The 网站名称 or 首页网址 a waiting change asks for was taken by another site meanwhile."""
    pending = obj.pending_changes or {}
    return any(duplicate_of(**{field: pending[field]}, exclude_pk=obj.pk) is not None
               for field in ("name", "homepage") if pending.get(field))


IDENTITY_STILL_FREE = Guard(lambda obj, now: not identity_taken(obj),
                            "修改后的网站名称或首页网址已被其他网站使用：请审核退回。")


def flag_is(name: str, value: bool, message: str) -> Guard:
    return Guard(lambda obj, now: getattr(obj, name) is value, message)


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


def to_change_reviewer(obj, ctx: Context):
    """基本信息修改: the proposed values wait apart; a department site is reviewed by its own org
    unit, a portal by the parent org unit (the manual's note)."""
    proposed = {k: v for k, v in ctx.data.items() if getattr(obj, k) != v}
    if not proposed:
        raise TransitionError("未修改任何信息。")
    if "name" in proposed or "homepage" in proposed:
        refusals = identity_refusal(obj, proposed.get("name", ""), proposed.get("homepage", ""))
        if refusals:
            raise TransitionError("；".join(refusals.values()))
    obj.pending_changes = proposed
    ctx.changes = [{"field": k, "label": str(Website._meta.get_field(k).verbose_name),
                    "old": shown(k, getattr(obj, k)), "new": shown(k, v)} for k, v in proposed.items()]
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


def shown(field: str, value) -> str:
    """A value of a (proposed) change as the pages and the journal show it: the 主办单位's filer
    unit by its name, not its id."""
    if field == "sponsor_filer_unit_id":

        unit = FilerUnit.objects.filter(pk=value).first() if value else None
        return f"{unit.name}（{unit.code}）" if unit else "（未选择）"
    return _show(value)


def apply_change(obj, ctx: Context):
    ctx.changes = [{"field": k, "label": str(Website._meta.get_field(k).verbose_name),
                    "old": shown(k, getattr(obj, k)), "new": shown(k, v)} for k, v in obj.pending_changes.items()]
    for name, value in obj.pending_changes.items():
        setattr(obj, name, value)
    if "homepage" in obj.pending_changes:
        obj.homepage_key = normalise_homepage(obj.homepage)
    obj.pending_changes = {}
    obj.reviewer = None


def mark_change_review(obj, ctx: Context):
    record_review(obj, ctx)
    obj.last_review["kind"] = "change"


def set_other_domains(obj, ctx: Context):
    """维护其他域名: effective at once (docs/decisions/0022-website-rules.md), checked again here."""
    domains = list(ctx.data.get("other_domains") or [])
    if domains == list(obj.other_domains or []):
        raise TransitionError("未修改任何信息。")
    refusal = domains_refusal(obj, domains)
    if refusal:
        raise TransitionError(refusal)
    ctx.changes = [{"field": "other_domains", "label": "其他域名", "old": _show(obj.other_domains or []), "new": _show(domains)}]
    obj.other_domains = domains
    ctx.person_name, ctx.person_phone = obj.contact_name, obj.contact_mobile


def same_filing(obj) -> str:
    return obj.filing


def after_approval(obj) -> str:
    return F.DONE if obj.reviewer_id is None else F.REVIEWED


def propose(field: str, value: bool):
    """申请门户网站 / 取消 / 政务服务平台 / 取消: one flag, proposed as a basic-information change."""
    def effect(obj, ctx: Context):
        ctx.data = {field: value}
        to_change_reviewer(obj, ctx)
    return effect


T = Transition
CHANGEABLE = f({F.DONE, F.MODIFY_REJECTED})
TRANSITIONS = [
    T("apply", "新增网站申请", f({NEW}), F.DRAFT, public_applicant, (land_at_org,), kind="create"),
    T("submit", "提交", f({F.DRAFT}), F.REVIEWING, site_org_unit, (), guards=(AT_MY_UNIT,)),
    T("approve", "审核通过", f({F.REVIEWING, F.REVIEWED}), after_approval, org_in_chain,
      (record_review, climb_or_finish), result="审核通过", kind="review", guards=(AT_MY_UNIT,),
      confirm="确定审核通过“{name}”吗？"),
    T("reject", "审核退回", f({F.DRAFT, F.REVIEWING, F.REVIEWED}), F.REJECTED, org_in_chain,
      (record_review, clear_reviewer), result="审核未通过", kind="review", guards=(AT_MY_UNIT,),
      button="btn-outline-danger", form="reason_required", confirm="确定退回该网站申请吗？"),
    # 基本信息修改 (basic information and 栏目) by the operator, reviewed by one org unit.
    T("request_change", "基本信息修改", CHANGEABLE, F.MODIFYING, operator_of_site, (to_change_reviewer,),
      guards=CHANGE_GUARDS, button="btn-primary", form="page"),
    T("request_portal", "申请门户网站", CHANGEABLE, F.MODIFYING, operator_of_site, (propose("is_portal", True),),
      guards=(*CHANGE_GUARDS, flag_is("is_portal", False, "该网站已是门户网站。"), ONE_PORTAL),
      button="btn-sm btn-outline-secondary", confirm="确定申请门户网站吗？一个组织单位只能有一个门户网站。"),
    T("cancel_portal", "申请取消门户网站", CHANGEABLE, F.MODIFYING, operator_of_site, (propose("is_portal", False),),
      guards=(*CHANGE_GUARDS, flag_is("is_portal", True, "该网站不是门户网站。")),
      button="btn-sm btn-outline-secondary", confirm="确定申请取消门户网站吗？"),
    T("request_service_platform", "申请政务服务平台", CHANGEABLE, F.MODIFYING, operator_of_site,
      (propose("is_service_platform", True),),
      guards=(*CHANGE_GUARDS, flag_is("is_service_platform", False, "该网站已是政务服务平台。")),
      button="btn-sm btn-outline-secondary", confirm="确定申请政务服务平台吗？"),
    T("cancel_service_platform", "申请取消政务服务平台", CHANGEABLE, F.MODIFYING, operator_of_site,
      (propose("is_service_platform", False),),
      guards=(*CHANGE_GUARDS, flag_is("is_service_platform", True, "该网站不是政务服务平台。")),
      button="btn-sm btn-outline-secondary", confirm="确定申请取消政务服务平台吗？"),
    # 维护/添加其他域名 (manual 四 2.6): its own function, not reviewed; the 申报状态 stays as it is.
    T("maintain_domains", "维护其他域名", f({F.DONE, F.MODIFYING, F.MODIFY_REJECTED}), same_filing, operator_of_site,
      (set_other_domains,), guards=(NOT_CLOSED, NOT_DELETED), button="btn-outline-primary", form="page"),
    T("approve_change", "办结修改审核通过", f({F.MODIFYING}), F.DONE, org_above,
      (mark_change_review, apply_change), result="修改审核通过", kind="review", guards=(AT_MY_UNIT, PORTAL_STILL_FREE, IDENTITY_STILL_FREE),
      button="btn-sm btn-primary", confirm="确定办结修改审核通过吗？"),
    T("reject_change", "办结修改审核退回", f({F.MODIFYING}), F.MODIFY_REJECTED, org_above,
      (mark_change_review, clear_reviewer), result="修改后审核未通过", kind="review", guards=(AT_MY_UNIT,),
      button="btn-sm btn-outline-danger", form="reason_required", confirm="确定办结修改审核退回吗？"),
]


def unit_of(user) -> tuple[str, str]:
    if getattr(user, "kind", None) == "system":
        return "system", "系统"
    if getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id:
        return user.org_unit.code, user.org_unit.name
    if not getattr(user, "is_authenticated", False):
        return "public", "公众申请"
    return user.username, "网站"


def position_of(obj) -> str:
    return f"{obj.reviewer.name}（{obj.reviewer.code}）" if obj.reviewer_id else ""


def lock_org_unit(obj):
    """Lock the site's org unit first (FOR NO KEY UPDATE): 一个组织单位只能有一个门户网站 counts
    the other sites of the unit, so two portal requests of one unit must take turns."""
    list(OrgUnit.objects.select_for_update(no_key=True).filter(pk=obj.org_unit_id).values_list("pk", flat=True))


WORKFLOW = Workflow(model=Website, subject_type="website", transitions=TRANSITIONS, status_attr="filing",
                    status_labels={NEW: "", **dict(Filing.choices)}, unit_of=unit_of, position_of=position_of,
                    lock_first=lock_org_unit, waiting=("reviewer", "reviewer_since"))
