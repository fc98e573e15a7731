"""The rules of spot-check reports and notices. Each function is one business action."""
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from govmedia.roles import Role
from govmedia.common import pagestate
from govmedia.common.storage import StorageFailure, replace_file, save_file
from govmedia.common.uploads import UploadError, check_document
from orgtree.models import OrgUnit
from reviews import journal

from .models import PROBLEMS, Notice, NoticeAttachment, NoticeReceipt, SpotCheckItem, SpotCheckReport
from django.core.cache import cache
from orgtree.models import FilerUnit
from orgtree.selectors import scope_q, units_under
from websites.models import Website
from .models import problems_for


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


REPORT_HEADER = ("filler_name", "filler_phone", "checked_count", "failed_count")


@transaction.atomic
def update_report(report: SpotCheckReport, *, filler_name: str, filler_phone: str,
                  checked_count: int | None = None, failed_count: int | None = None) -> SpotCheckReport:
    """The header (填表人, 联系电话) and, for a report without detail rows, the two counts."""
    report = _editable(report)
    before = {name: getattr(report, name) for name in REPORT_HEADER}
    report.filler_name, report.filler_phone = filler_name, filler_phone
    if not report.items.exists() and checked_count is not None:
        failed_count = failed_count or 0
        if failed_count > checked_count:
            raise ReportError("不合格数量不能大于抽查数量。")
        report.checked_count, report.failed_count = checked_count, failed_count
    report.save()
    after = {name: getattr(report, name) for name in REPORT_HEADER}
    if before != after:
        journal.record(report, "report_edit", before=before, after=after, scope_path=report.org_unit.path)
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
    if isinstance(subject, Website):
        return {"website": subject, "media_code": subject.site_code or "", "type_label": "政府网站",
                "name": subject.name, "operator": subject.sponsor, "link": subject.homepage}
    return {"account": subject, "media_code": subject.media_code or "", "type_label": subject.type_display,
            "name": subject.name, "operator": subject.operator}


@transaction.atomic
def add_item(report: SpotCheckReport, subject, *, passed: bool, problems: list[str], problem_other: str = "",
             rectification: str = "") -> SpotCheckItem:
    """A row of the 检查结果信息表 for an account or a website of the registry (fetched in scope by the caller)."""
    report = _editable(report)
    fields = item_subject(subject)
    problems, problem_other = clean_problems(passed, problems, problem_other, problems_for("website" in fields))
    if report.items.filter(media_code=fields["media_code"]).exists():
        raise ReportError(f"“{subject.name}”已在检查结果中。")
    item = SpotCheckItem.objects.create(report=report, passed=passed, problems=problems, problem_other=problem_other,
                                        rectification=rectification.strip(), **fields)
    _recount(report)
    journal.record(report, "report_item_add", scope_path=report.org_unit.path, changes=[
        {"field": "items", "label": "检查结果", "old": "", "new": f"{item.name}（{item.media_code}）{'合格' if passed else '不合格'}"}])
    return item


@transaction.atomic
def add_items(report: SpotCheckReport, rows: list[dict]) -> int:
    """Imported rows of the 检查结果信息表, all or nothing (already validated)."""
    report = _editable(report)
    SpotCheckItem.objects.bulk_create([SpotCheckItem(report=report, **row) for row in rows])
    _recount(report)
    journal.record(report, "report_item_import", scope_path=report.org_unit.path, data={"rows": len(rows)},
                   changes=[{"field": "items", "label": "检查结果", "old": "", "new": f"导入{len(rows)}条"}])
    return len(rows)


@transaction.atomic
def delete_item(report: SpotCheckReport, item_id: int) -> None:
    report = _editable(report)
    item = report.items.filter(pk=item_id).first()
    if item is None:
        return
    item.delete()
    _recount(report)
    journal.record(report, "report_item_delete", scope_path=report.org_unit.path, changes=[
        {"field": "items", "label": "检查结果", "old": f"{item.name}（{item.media_code}）", "new": ""}])


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


def may_read_report(user: User, report: SpotCheckReport) -> bool:
    return user.role == Role.GB or (user.kind == User.Kind.ORG and report.org_unit_id == user.org_unit_id)


# --- notices (decision 0032) ------------------------------------------------------------------

def l1_units():
    return OrgUnit.objects.filter(level=1, is_active=True).order_by("-kind", "code")  # provinces, then ministries


def child_units(sender: OrgUnit):
    """The org units a notice can be addressed to one by one: the sender's direct children."""
    if sender.is_root:
        return l1_units()
    return OrgUnit.objects.filter(parent=sender, is_active=True).order_by("code")


def own_filers(sender: OrgUnit):
    """The filer units attached to the sender itself (a county's towns and departments)."""
    return FilerUnit.objects.filter(org_unit=sender, status=FilerUnit.Status.ACTIVE).order_by("code")


def audience_querysets(notice: Notice) -> tuple:
    """(org units, filer units) a notice goes to, by its 接收范围, as querysets."""
    sender, audience = notice.sender, notice.audience
    if audience == Notice.Audience.CHOSEN:
        return notice.recipients.filter(is_active=True), notice.filer_recipients.filter(status=FilerUnit.Status.ACTIVE)
    if audience == Notice.Audience.CHILDREN:
        return child_units(sender), own_filers(sender)
    filers = FilerUnit.objects.filter(status=FilerUnit.Status.ACTIVE).filter(scope_q(sender, "org_unit__path"))
    if audience == Notice.Audience.FILERS:
        return OrgUnit.objects.none(), filers
    return units_under(sender, include_self=False).filter(is_active=True), filers


def audience_units(notice: Notice) -> tuple[list, list]:
    """(org units, filer units) a notice goes to, by its 接收范围."""
    orgs, filers = audience_querysets(notice)
    return list(orgs), list(filers)


def has_audience(notice: Notice) -> bool:
    return any(qs.exists() for qs in audience_querysets(notice))


def _sender_of(user: User) -> OrgUnit:
    if user.kind != User.Kind.ORG or user.org_unit_id is None:
        raise ReportError("只有组织单位可以下发通知。")
    return user.org_unit


@transaction.atomic
def save_notice(notice: Notice, user: User, *, title: str, menu_label: str, body: str, audience: str,
                recipients=(), filer_recipients=()) -> Notice:
    """A draft written by an org unit for units of its subtree: chosen direct children (org units and
    its own filer units), or a whole audience (全部直属下级单位, 全部填报单位, 全部单位)."""
    sender = _sender_of(user)
    if notice.pk and (notice.sender_id != sender.pk or notice.status == Notice.Status.SENT):
        raise ReportError("通知已下发，不能修改。" if notice.status == Notice.Status.SENT else "只能修改本单位的通知。")
    if audience not in Notice.Audience.values:
        raise ReportError("请选择接收范围。")
    recipients, filer_recipients = list(recipients), list(filer_recipients)
    allowed_orgs = set(child_units(sender).values_list("pk", flat=True))
    allowed_filers = set(own_filers(sender).values_list("pk", flat=True))
    if any(u.pk not in allowed_orgs for u in recipients) or any(f.pk not in allowed_filers for f in filer_recipients):
        raise ReportError("接收单位须为本单位的直属下级单位。")
    before = _draft_fields(notice) if notice.pk else {}
    notice.sender = sender
    notice.title, notice.menu_label, notice.body, notice.audience = title, menu_label or "待核查账号", body, audience
    notice.save()
    chosen = audience == Notice.Audience.CHOSEN
    notice.recipients.set(recipients if chosen else [])
    notice.filer_recipients.set(filer_recipients if chosen else [])
    after = _draft_fields(notice)
    if before != after:
        journal.record(notice, "notice_draft", user, before=before, after=after, scope_path=sender.path,
                       label="修改通知草稿" if before else "新建通知草稿")
    return notice


def _draft_fields(notice: Notice) -> dict:
    """A draft as its journal rows show it (接收单位 by name, the chosen ones only)."""
    return {"title": notice.title, "menu_label": notice.menu_label, "body": notice.body,
            "audience": notice.get_audience_display(), "recipients": audience_text(notice)
            if notice.audience == Notice.Audience.CHOSEN else ""}


@transaction.atomic
def add_attachment(notice: Notice, upload) -> NoticeAttachment:
    if notice.status == Notice.Status.SENT:
        raise ReportError("通知已下发，不能修改附件。")
    content, name = check_document(upload, upload_limit())
    attachment = attach_bytes(notice, name, content)
    journal.record(notice, "notice_attach", scope_path=notice.sender.path, changes=[
        {"field": "attachments", "label": "附件", "old": "", "new": attachment.name}])
    return attachment


def attach_bytes(notice: Notice, name: str, content: bytes) -> NoticeAttachment:
    """Store a (checked) file as an attachment of a draft notice."""
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


def audience_text(notice: Notice, orgs=None, filers=None) -> str:
    if notice.audience == Notice.Audience.CHOSEN:
        names = [u.name for u in (orgs if orgs is not None else notice.recipients.all())]
        names += [f.name for f in (filers if filers is not None else notice.filer_recipients.all())]
        return "、".join(names)
    if notice.audience == Notice.Audience.CHILDREN and notice.sender.is_root:
        return "全部省、国务院部门组织单位"
    return notice.get_audience_display()


def receipts_of(user: User):
    """The user's unit's receipts: an org unit's or a filer unit's."""
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return NoticeReceipt.objects.filter(filer_unit_id=user.filer_unit_id)
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return NoticeReceipt.objects.filter(org_unit_id=user.org_unit_id)
    return NoticeReceipt.objects.none()


def mark(user: User, notice: Notice, field: str) -> None:
    """Record the first time the receiving unit opened (opened_at) or downloaded (downloaded_at) the notice."""
    first = receipts_of(user).filter(notice=notice, **{f"{field}__isnull": True}).update(**{field: timezone.now()})
    if first:  # the receipt (first open, first download) goes to the journal too

        cache.delete(_menu_key(user))
        pagestate.forget()
        scope = user.filer_unit.org_unit.path if user.kind == User.Kind.FILER else user.org_unit.path
        journal.record(notice, "notice_open" if field == "opened_at" else "notice_download", user, scope_path=scope)


def bump_menus() -> None:

    cache.set(NOTICES_GENERATION, timezone.now().timestamp(), None)
    pagestate.forget()


NOTICES_GENERATION = "notices:generation"


def _menu_key(user: User) -> str:
    return f"notices:menu:{user.kind}:{user.org_unit_id or ''}:{user.filer_unit_id or ''}"


pagestate.register("notices_generation", lambda user: NOTICES_GENERATION)
pagestate.register("notices_menu", _menu_key)


def menu_state(user: User) -> tuple[str, int]:
    """(menu label, unread count) of the user's unit: the 【待核查账号】 menu follows the latest notice
    sent to the unit (the manual's note); unread = received notices not yet opened. Cached per unit
    until a notice is sent anywhere (the notices' generation) or the unit opens one; read with the
    page's other cached state in one round trip (govmedia.common.pagestate)."""
    def compute():
        received = receipts_of(user).filter(notice__status=Notice.Status.SENT)
        latest = received.order_by("-notice__sent_at", "-id").values_list("notice__menu_label", flat=True).first()
        return (latest or "待核查账号", received.filter(opened_at__isnull=True).count())

    generation = pagestate.get(user, "notices_generation") or 0
    return tuple(pagestate.with_generation(user, "notices_menu", generation, compute, 300))


def menu_label_for(user: User) -> str:
    return menu_state(user)[0]


__all__ = ["ReportError", "UploadError"]
