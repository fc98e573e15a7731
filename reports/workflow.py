"""The spot-check report's 提交 and the notice's 下发 on the review engine: declared tables with
their guards (403 when the user may never do it, 409 when the state moved on), the version
check and the journal row in the same transaction. The drafts' own edits stay in services.py
(they do not move a status) and are journaled there."""
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.services import notify_units
from reviews import journal
from reviews.engine import Context, Guard, Transition, Workflow

from .circular import notice_docx
from .models import Notice, NoticeReceipt, SpotCheckReport
from .services import attach_bytes, audience_text, audience_units, bump_menus, has_audience

f = frozenset
RS, NS = SpotCheckReport.Status, Notice.Status


def own_report(user, obj) -> bool:
    """The org unit the report belongs to (an L1 unit: only they create reports)."""
    return getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None and obj.org_unit_id == user.org_unit_id


def own_notice(user, obj) -> bool:
    return getattr(user, "kind", None) == User.Kind.ORG and user.org_unit_id is not None and obj.sender_id == user.org_unit_id


FILLER_GIVEN = Guard(lambda obj, s: bool(obj.filler_name and obj.filler_phone), "请先填写填表人和联系电话。")


def stamp_submitted(obj: SpotCheckReport, ctx: Context) -> None:
    obj.submitted_at = timezone.now()
    ctx.changes = journal.diff({}, {"checked_count": obj.checked_count, "failed_count": obj.failed_count},
                               journal.field_labels(SpotCheckReport))


AUDIENCE = Guard(lambda obj, s: has_audience(obj), "请选择接收单位。")


def send(notice: Notice, ctx: Context) -> None:
    """下发: one receipt per receiving unit, a message to each in 消息中心; then read-only."""
    orgs, filers = audience_units(notice)
    if notice.is_circular:  # 季度通报: the .docx regenerated from the edited text and today's figures
        attach_bytes(notice, *notice_docx(ctx.user, notice))
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, org_unit=u, unit_name=u.name) for u in orgs]
                                      + [NoticeReceipt(notice=notice, filer_unit=f, unit_name=f.name) for f in filers],
                                      batch_size=2000)
    notice.sent_at = timezone.now()
    codes = [u.code for u in orgs] + [f.code for f in filers]
    ctx.journal_data = {"recipients": codes[:200], **({"count": len(codes)} if len(codes) > 200 else {})}
    ctx.changes = [{"field": "recipients", "label": "接收单位", "old": "", "new": audience_text(notice, orgs, filers)}]
    notify_units([u.pk for u in orgs], [f.pk for f in filers], "notice",  # 消息中心: a notice received
                 f"收到通知：{notice.title}", f"{notice.sender.name}下发通知“{notice.title}”，请在【{notice.menu_label}】中查看。",
                 reverse("notices:detail", args=[notice.pk]))


REPORT_WORKFLOW = Workflow(
    model=SpotCheckReport, subject_type="report", status_labels=dict(RS.choices), unit_of=journal.unit_of,
    scope_of=lambda obj: obj.org_unit.path,
    transitions=[
        Transition("report_submit", "提交抽查报告", f({RS.DRAFT}), RS.SUBMITTED, own_report, (stamp_submitted,),
                   guards=(FILLER_GIVEN,), stale="报告已提交，不能修改。", button="btn-success w-100",
                   button_label="提交", confirm="提交后报告不可再修改，确定提交吗？"),
    ],
)

NOTICE_WORKFLOW = Workflow(
    model=Notice, subject_type="notice", status_labels=dict(NS.choices), unit_of=journal.unit_of,
    scope_of=lambda obj: obj.sender.path,
    transitions=[
        Transition("notice_send", "下发通知", f({NS.DRAFT}), NS.SENT, own_notice, (send,), stale="通知已下发。",
                   guards=(AUDIENCE,),
                   button="btn-sm btn-primary", button_label="下发", confirm="下发后通知不可修改，确定下发吗？"),
    ],
)

def submit_report(report: SpotCheckReport, user, expected_version: int | None = None) -> SpotCheckReport:
    """提交: after this the report is read-only."""
    return REPORT_WORKFLOW.apply(report, "report_submit", user, expected_version=expected_version)


def send_notice(notice: Notice, user, expected_version: int | None = None) -> Notice:
    """下发 (decision 0032): the menus of the receiving units follow the latest notice."""
    notice = NOTICE_WORKFLOW.apply(notice, "notice_send", user, expected_version=expected_version)
    bump_menus()
    transaction.on_commit(bump_menus)  # again at commit: no stale menu re-cached meanwhile
    return notice


__all__ = ["NOTICE_WORKFLOW", "REPORT_WORKFLOW", "send_notice", "submit_report"]
