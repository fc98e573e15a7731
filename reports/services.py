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
    from orgtree.models import FilerUnit

    return FilerUnit.objects.filter(org_unit=sender, status=FilerUnit.Status.ACTIVE).order_by("code")


def audience_units(notice: Notice) -> tuple[list, list]:
    """(org units, filer units) a notice goes to, by its 接收范围."""
    from orgtree.models import FilerUnit
    from orgtree.selectors import scope_q, units_under

    sender, audience = notice.sender, notice.audience
    if audience == Notice.Audience.CHOSEN:
        return list(notice.recipients.filter(is_active=True)), list(notice.filer_recipients.filter(status=FilerUnit.Status.ACTIVE))
    if audience == Notice.Audience.CHILDREN:
        return list(child_units(sender)), list(own_filers(sender))
    filers = list(FilerUnit.objects.filter(status=FilerUnit.Status.ACTIVE).filter(scope_q(sender, "org_unit__path")))
    if audience == Notice.Audience.FILERS:
        return [], filers
    return list(units_under(sender, include_self=False).filter(is_active=True)), filers


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
    notice.sender = sender
    notice.title, notice.menu_label, notice.body, notice.audience = title, menu_label or "待核查账号", body, audience
    notice.save()
    chosen = audience == Notice.Audience.CHOSEN
    notice.recipients.set(recipients if chosen else [])
    notice.filer_recipients.set(filer_recipients if chosen else [])
    return notice


@transaction.atomic
def add_attachment(notice: Notice, upload) -> NoticeAttachment:
    if notice.status == Notice.Status.SENT:
        raise ReportError("通知已下发，不能修改附件。")
    content, name = check_document(upload, upload_limit())
    return attach_bytes(notice, name, content)


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


@transaction.atomic
def send_notice(notice: Notice, user: User) -> Notice:
    """下发: one receipt per receiving unit; from now on read-only."""
    sender = _sender_of(user)
    notice = Notice.objects.select_for_update().select_related("sender").get(pk=notice.pk)
    if notice.sender_id != sender.pk:
        raise ReportError("只能下发本单位的通知。")
    if notice.status == Notice.Status.SENT:
        raise ReportError("通知已下发。")
    orgs, filers = audience_units(notice)
    if not orgs and not filers:
        raise ReportError("请选择接收单位。")
    if notice.is_circular:  # 季度通报: the .docx regenerated from the edited text and today's figures
        from .circular import notice_docx

        attach_bytes(notice, *notice_docx(user, notice))
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, org_unit=u, unit_name=u.name) for u in orgs]
                                      + [NoticeReceipt(notice=notice, filer_unit=f, unit_name=f.name) for f in filers],
                                      batch_size=2000)
    notice.status, notice.sent_at = Notice.Status.SENT, timezone.now()
    notice.save(update_fields=["status", "sent_at"])
    codes = [u.code for u in orgs] + [f.code for f in filers]
    journal.record(notice, "notice_send", user, status=(Notice.Status.DRAFT.label, notice.get_status_display()),
                   data={"recipients": codes[:200], **({"count": len(codes)} if len(codes) > 200 else {})}, scope_path=sender.path, changes=[
                       {"field": "recipients", "label": "接收单位", "old": "", "new": audience_text(notice, orgs, filers)}])
    from django.urls import reverse

    from notifications.services import notify_units

    notify_units([u.pk for u in orgs], [f.pk for f in filers], "notice",  # 消息中心: a notice received
                 f"收到通知：{notice.title}", f"{notice.sender.name}下发通知“{notice.title}”，请在【{notice.menu_label}】中查看。",
                 reverse("notices:detail", args=[notice.pk]))
    _bump_menus()
    transaction.on_commit(_bump_menus)  # again at commit: no stale menu re-cached meanwhile
    return notice


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
        from django.core.cache import cache

        cache.delete(_menu_key(user))
        scope = user.filer_unit.org_unit.path if user.kind == User.Kind.FILER else user.org_unit.path
        journal.record(notice, "notice_open" if field == "opened_at" else "notice_download", user, scope_path=scope)


def _bump_menus() -> None:
    from django.core.cache import cache

    cache.set("notices:generation", timezone.now().timestamp(), None)


def _menu_key(user: User) -> str:
    from django.core.cache import cache

    generation = cache.get("notices:generation") or 0
    return f"notices:menu:{generation}:{user.kind}:{user.org_unit_id or ''}:{user.filer_unit_id or ''}"


def menu_state(user: User) -> tuple[str, int]:
    """(menu label, unread count) of the user's unit: the 【待核查账号】 menu follows the latest notice
    sent to the unit (the manual's note); unread = received notices not yet opened. Cached per unit
    until a notice is sent anywhere or the unit opens one."""
    from django.core.cache import cache

    key = _menu_key(user)
    state = cache.get(key)
    if state is None:
        received = receipts_of(user).filter(notice__status=Notice.Status.SENT)
        latest = received.order_by("-notice__sent_at", "-id").values_list("notice__menu_label", flat=True).first()
        state = (latest or "待核查账号", received.filter(opened_at__isnull=True).count())
        cache.set(key, state, 300)
    return state


def menu_label_for(user: User) -> str:
    return menu_state(user)[0]


__all__ = ["ReportError", "UploadError"]
