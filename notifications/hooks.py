"""Where notifications come from: the review engine's transitions (registered in apps.ready).

- a request reaches a unit (审核定位 changes to it): 待审核申请 to that unit's logins, one per
  unit and transition batch (a bulk import of 300 accounts is one message, not 300); a website's
  下线申请 (下线审核定位) names the 下线申请 and links to 下线审核;
- a review transition named reject_*: 申请被驳回 with the reason, to whoever asked (the filer
  unit; for 关停恢复 the L1 unit; for a website the site's operator once it has a login).
"""
from collections import defaultdict

from django.urls import reverse

from .services import Message, org_unit_users, send
from accounts.models import User

SUBJECTS = {  # subject type → (what it is called, the reviewer's page, the applicant's page)
    "media_account": ("新媒体账号", "media:review", "media:rejection"),
    "website": ("政府网站", "websites:review_detail", "websites:site_home"),
}


def on_transitions(applied) -> None:
    waiting = defaultdict(list)
    messages = []
    for a in applied:
        if a.workflow.subject_type not in SUBJECTS:
            continue
        reviewer = a.workflow.reviewer_id(a.obj)
        if a.workflow.waiting and reviewer and reviewer != a.reviewer_before:
            waiting[reviewer].append(a)
        if a.transition.kind == "review" and a.transition.name.startswith("reject"):
            messages += rejected(a)
    for unit_id, items in waiting.items():
        messages += waiting_at(unit_id, items)
    if messages:
        send(messages)


def waiting_at(unit_id: int, items) -> list[Message]:
    first = items[0]
    if first.workflow.status_attr == "offline_state":
        return offline_waiting_at(unit_id, items)
    noun, review_page, _ = SUBJECTS[first.workflow.subject_type]
    what = _what_waits(first)
    if len(items) == 1:
        title = f"待审核：{noun}“{first.obj.name}”{what}"
        link = reverse(review_page, args=[first.obj.pk])
    else:
        title = f"待审核：{len(items)} 条{noun}申请（{what.strip('（）')}）"
        link = reverse("media:list") + "?tab=pending" if first.workflow.subject_type == "media_account" else reverse(
            "websites:review_list")
    body = f"{title}，请及时审核。"
    return [Message(u, "review_waiting", title, body, link) for u in org_unit_users([unit_id])]


def _what_waits(a) -> str:
    """What the unit is asked to review: the request the filer made (添加, 变更, 关停 …, the
    transition's own name), or — when the unit below passed it up (a review transition such as
    审核通过) — that request as its status names it, passed up from below."""
    if a.transition.kind != "review":
        return a.transition.label
    status = a.workflow.status_labels.get(getattr(a.obj, a.workflow.status_attr), "")
    if a.workflow.subject_type == "media_account" and status:
        return f"（{status}，下级单位已审核通过）"
    return "（下级单位已审核通过）"


def offline_waiting_at(unit_id: int, items) -> list[Message]:
    """A website's 下线申请 reaching a unit (asked, or passed up by the unit below): it is the
    申请 that waits, whatever transition moved it, so the title names it, not the transition."""
    if len(items) == 1:
        title = f"待审核：政府网站“{items[0].obj.name}”下线申请"
    else:
        title = f"待审核：{len(items)} 条政府网站下线申请"
    body = f"{title}，请及时审核。"
    return [Message(u, "review_waiting", title, body, reverse("websites:offline_reviews"))
            for u in org_unit_users([unit_id])]


def rejected(a) -> list[Message]:
    noun, _, applicant_page = SUBJECTS[a.workflow.subject_type]
    obj = a.obj
    reason = a.ctx.reason or "（未填写）"
    title = f"申请被驳回：{noun}“{obj.name}”{a.transition.label}"
    body = f"{title}。驳回原因：{reason}"
    if a.workflow.subject_type == "website":
        if not obj.operator_user_id:
            return []  # a public application without a login yet: the applicant reads 查询进度
        return [Message(obj.operator_user, "review_rejected", title, body, reverse(applicant_page))]
    link = reverse(applicant_page, args=[obj.pk])
    if a.transition.name == "reject_restore":  # 关停恢复 is asked by the L1 unit above the account
        l1_path = "/".join(obj.org_path.split("/")[:3]) + "/"
        users = User.objects.filter(kind=User.Kind.ORG, org_unit__path=l1_path, is_active=True).select_related("org_unit")
    else:
        users = User.objects.filter(kind=User.Kind.FILER, filer_unit_id=obj.filer_unit_id, is_active=True).select_related(
            "filer_unit")
    return [Message(u, "review_rejected", title, body, link) for u in users]
