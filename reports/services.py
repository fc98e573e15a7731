"""The rules of spot-check reports and notices. Each function is one business action."""
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from govmedia.common.storage import StorageFailure, replace_file, save_file
from govmedia.common.uploads import UploadError, check_document
from orgtree.models import OrgUnit
from reviews import journal

from .models import PROBLEMS, Notice, NoticeAttachment, NoticeReceipt, SpotCheckItem, SpotCheckReport


class ReportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def upload_limit() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


# --- spot-check reports ------------------------------------------------------------------------

def create_report(user: User, kind: str, year: int, quarter: int) -> SpotCheckReport:
    if user.role != Role.L1:
        raise ReportError("上报抽查情况仅限省、国务院部门组织单位操作。")
    this_year = timezone.localdate().year
    if not (2019 <= year <= this_year) or quarter not in (1, 2, 3, 4):
        raise ReportError(f"年份应在 2019—{this_year} 之间，季度为 1—4。")
    try:
        with transaction.atomic():
            return SpotCheckReport.objects.create(org_unit=user.org_unit, kind=kind, year=year, quarter=quarter)
    except IntegrityError:
        raise ReportError(f"{year}年第{quarter}季度的{SpotCheckReport.Kind(kind).label}抽查报告已存在，请在列表中打开修改。")


def _editable(report: SpotCheckReport) -> SpotCheckReport:
    report = SpotCheckReport.objects.select_for_update().get(pk=report.pk)
    if report.is_submitted:
        raise ReportError("报告已提交，不能修改。")
    return report


@transaction.atomic
def update_report(report: SpotCheckReport, *, filler_name: str, filler_phone: str,
                  checked_count: int | None = None, failed_count: int | None = None) -> SpotCheckReport:
    """The header (填表人, 联系电话) and, for a report without detail rows, the two counts."""
    report = _editable(report)
    report.filler_name, report.filler_phone = filler_name, filler_phone
    if not report.items.exists() and checked_count is not None:
        failed_count = failed_count or 0
        if failed_count > checked_count:
            raise ReportError("不合格数量不能大于抽查数量。")
        report.checked_count, report.failed_count = checked_count, failed_count
    report.save()
    return report


def _recount(report: SpotCheckReport) -> None:
    counts = report.items.aggregate(checked=Count("id"), failed=Count("id", filter=Q(passed=False)))
    SpotCheckReport.objects.filter(pk=report.pk).update(checked_count=counts["checked"], failed_count=counts["failed"])


def clean_problems(passed: bool, problems: list[str], other: str, allowed: list[str] = PROBLEMS) -> tuple[list[str], str]:
    if passed:
        return [], ""  # 存在的突出问题: 仅不合格的填写
    problems = [p for p in allowed if p in set(problems)]
    if not problems:
        raise ReportError("不合格的账号须选择存在的突出问题。")
    if "其他" in problems and not other.strip():
        raise ReportError("选择“其他”时须填写问题说明。")
    return problems, other.strip() if "其他" in problems else ""


def item_subject(subject) -> dict:
    """The registry object a row is about (a media account, or a website), as the row records it."""
    from websites.models import Website

    if isinstance(subject, Website):
        return {"website": subject, "media_code": subject.site_code or "", "type_label": "政府网站",
                "name": subject.name, "operator": subject.sponsor, "link": subject.homepage}
    return {"account": subject, "media_code": subject.media_code or "", "type_label": subject.type_display,
            "name": subject.name, "operator": subject.operator}


@transaction.atomic
def add_item(report: SpotCheckReport, subject, *, passed: bool, problems: list[str], problem_other: str = "",
             rectification: str = "") -> SpotCheckItem:
    """A row of the 检查结果信息表 for an account or a website of the registry (fetched in scope by the caller)."""
    from .models import problems_for

    report = _editable(report)
    fields = item_subject(subject)
    problems, problem_other = clean_problems(passed, problems, problem_other, problems_for("website" in fields))
    if report.items.filter(media_code=fields["media_code"]).exists():
        raise ReportError(f"“{subject.name}”已在检查结果中。")
    item = SpotCheckItem.objects.create(report=report, passed=passed, problems=problems, problem_other=problem_other,
                                        rectification=rectification.strip(), **fields)
    _recount(report)
    return item


@transaction.atomic
def add_items(report: SpotCheckReport, rows: list[dict]) -> int:
    """Imported rows of the 检查结果信息表, all or nothing (already validated)."""
    report = _editable(report)
    SpotCheckItem.objects.bulk_create([SpotCheckItem(report=report, **row) for row in rows])
    _recount(report)
    return len(rows)


@transaction.atomic
def delete_item(report: SpotCheckReport, item_id: int) -> None:
    report = _editable(report)
    report.items.filter(pk=item_id).delete()
    _recount(report)


@transaction.atomic
def attach_document(report: SpotCheckReport, upload) -> SpotCheckReport:
    """季度报告: pdf, doc, docx, xls, xlsx or wps, checked by content, kept in the shared storage.
    A replacement is atomic: the new file under a new name, the reference switched in this
    transaction, the old file removed after commit; on a storage error the old one stays."""
    content, name = check_document(upload, upload_limit())
    report = _editable(report)
    previous_name = report.document_name
    report.document_name = name[:200]
    try:
        replace_file(report, "document", f"{report.org_unit.code}-{report.year}Q{report.quarter}-{report.kind}."
                     f"{name.rsplit('.', 1)[-1].lower()}", ContentFile(content), also_update=("document_name",))
    except StorageFailure as exc:
        report.document_name = previous_name
        raise ReportError(exc.message) from exc
    journal.record(report, "report_document", before={"document_name": previous_name}, after={"document_name": report.document_name},
                   label="替换季度报告" if previous_name else "上传季度报告", scope_path=report.org_unit.path)
    return report


@transaction.atomic
def submit_report(report: SpotCheckReport) -> SpotCheckReport:
    """提交: after this the report is read-only."""
    report = _editable(report)
    if not report.filler_name or not report.filler_phone:
        raise ReportError("请先填写填表人和联系电话。")
    report.status = SpotCheckReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    journal.record(report, "report_submit", status=(SpotCheckReport.Status.DRAFT.label, report.get_status_display()),
                   after={"checked_count": report.checked_count, "failed_count": report.failed_count},
                   scope_path=report.org_unit.path)
    return report


def may_read_report(user: User, report: SpotCheckReport) -> bool:
    return user.role == Role.GB or (user.kind == User.Kind.ORG and report.org_unit_id == user.org_unit_id)


# --- notices -----------------------------------------------------------------------------------

def l1_units():
    return OrgUnit.objects.filter(level=1, is_active=True).order_by("-kind", "code")  # provinces, then ministries


@transaction.atomic
def save_notice(notice: Notice, *, title: str, menu_label: str, body: str, to_all: bool, recipients) -> Notice:
    if notice.pk and notice.status == Notice.Status.SENT:
        raise ReportError("通知已下发，不能修改。")
    notice.title, notice.menu_label, notice.body, notice.to_all = title, menu_label or "待核查账号", body, to_all
    notice.save()
    notice.recipients.set([] if to_all else recipients)
    return notice


@transaction.atomic
def add_attachment(notice: Notice, upload) -> NoticeAttachment:
    if notice.status == Notice.Status.SENT:
        raise ReportError("通知已下发，不能修改附件。")
    content, name = check_document(upload, upload_limit())
    attachment = NoticeAttachment(notice=notice, name=name[:200], size=len(content))
    field = NoticeAttachment._meta.get_field("file")
    try:
        with transaction.atomic():
            attachment.file.name = save_file(field.storage, field.generate_filename(
                attachment, f"notice-{notice.pk}-{name.rsplit('.', 1)[-1].lower()}"), ContentFile(content))
            attachment.save()
    except StorageFailure as exc:
        raise ReportError(exc.message) from exc
    return attachment


@transaction.atomic
def send_notice(notice: Notice) -> Notice:
    """下发: to the chosen L1 units or all of them; from now on read-only."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == Notice.Status.SENT:
        raise ReportError("通知已下发。")
    units = list(l1_units()) if notice.to_all else list(notice.recipients.all())
    if not units:
        raise ReportError("请选择接收单位。")
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, org_unit=u) for u in units])
    notice.status, notice.sent_at = Notice.Status.SENT, timezone.now()
    notice.save(update_fields=["status", "sent_at"])
    journal.record(notice, "notice_send", status=(Notice.Status.DRAFT.label, notice.get_status_display()),
                   data={"recipients": [u.code for u in units]}, changes=[
                       {"field": "recipients", "label": "接收单位", "old": "", "new": "全部省、国务院部门组织单位"
                        if notice.to_all else "、".join(u.name for u in units)}])
    from django.urls import reverse

    from notifications.services import notify_org_units

    notify_org_units([u.pk for u in units], "notice", f"收到通知：{notice.title}",  # 消息中心: a notice received
                     f"国务院办公厅下发通知“{notice.title}”，请在【{notice.menu_label}】中查看。",
                     reverse("notices:detail", args=[notice.pk]))
    from django.core.cache import cache

    cache.delete("notices:menu-labels")
    transaction.on_commit(lambda: cache.delete("notices:menu-labels"))  # again at commit: no stale label re-cached
    return notice


def mark(user: User, notice: Notice, field: str) -> None:
    """Record the first time the unit opened (opened_at) or downloaded (downloaded_at) the notice."""
    first = NoticeReceipt.objects.filter(notice=notice, org_unit_id=user.org_unit_id, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()})
    if first:  # the receipt (first open, first download) goes to the journal too
        journal.record(notice, "notice_open" if field == "opened_at" else "notice_download", user,
                       scope_path=user.org_unit.path)


def menu_label_for(user: User) -> str:
    """The 【待核查账号】 menu follows the latest notice sent to the unit (the manual's note)."""
    from django.core.cache import cache

    labels = cache.get("notices:menu-labels")
    if labels is None:
        labels = {}
        for org_id, label in (NoticeReceipt.objects.filter(notice__status=Notice.Status.SENT)
                              .order_by("org_unit_id", "-notice__sent_at").values_list("org_unit_id", "notice__menu_label")):
            labels.setdefault(org_id, label)
        cache.set("notices:menu-labels", labels, 300)
    return labels.get(user.org_unit_id) or "待核查账号"


__all__ = ["ReportError", "UploadError"]
