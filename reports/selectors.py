from django.db.models import Q

from accounts.models import User
from govmedia.roles import Role

from .models import CheckSheet, Notice, SpotCheckItem, SpotCheckReport
from accounts_media.models import MediaAccount
from datetime import date, timedelta
from govmedia.common.prepared import DAY, prepared, subtree_markers, subtree_values
from orgtree.selectors import scope_q
from .models import CheckRound, NoticeReceipt


def reports_visible_to(user: User):
    """GB reads every L1 unit's reports; an L1 unit its own; nobody else any."""
    if user.role == Role.GB:
        return SpotCheckReport.objects.select_related("org_unit")
    if user.role == Role.L1:
        return SpotCheckReport.objects.filter(org_unit_id=user.org_unit_id).select_related("org_unit")
    return SpotCheckReport.objects.none()


def notices_visible_to(user: User):
    """A unit reads the notices it wrote (drafts included) and the sent notices it received —
    never another unit's, whatever its level (decision 0032)."""
    received = Q(status=Notice.Status.SENT)
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return Notice.objects.filter(received, pk__in=NoticeReceipt.objects.filter(
            filer_unit_id=user.filer_unit_id).values("notice_id")).select_related("sender")
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return Notice.objects.filter(Q(sender_id=user.org_unit_id) | (received & Q(pk__in=NoticeReceipt.objects.filter(
            org_unit_id=user.org_unit_id).values("notice_id")))).select_related("sender")
    return Notice.objects.none()


def notices_sent_by(user: User):
    """The notices the user's org unit wrote: the only ones it may edit, attach to and send."""
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return Notice.objects.filter(sender_id=user.org_unit_id).select_related("sender")
    return Notice.objects.none()


def sheets_visible_to(user: User):
    """检查结果信息表: a filer unit its own; an org unit every sheet of its subtree; GB all."""
    qs = CheckSheet.objects.select_related("org_unit", "filer_unit", "round")
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return qs.filter(filer_unit_id=user.filer_unit_id)
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return qs.filter(scope_q(user.org_unit, "org_path"))
    return CheckSheet.objects.none()


def rounds_visible_to(user: User):
    """检查季度 that cover the user: opened by its org unit or an ancestor, or (org units) inside its subtree."""
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        unit = user.filer_unit.org_unit
        return CheckRound.objects.filter(opened_by__code__in=unit.ancestor_codes)
    if user.kind == User.Kind.ORG and user.org_unit_id:
        unit = user.org_unit
        return CheckRound.objects.filter(Q(opened_by__code__in=unit.ancestor_codes) | scope_q(unit, "opened_by__path"))
    return CheckRound.objects.none()


def reported_items_at(year: int, quarter: int, path: str | None = None):
    """The 检查结果信息表 rows reported (submitted or accepted) for a quarter under `path` (None: the
    whole country): the one statement `reported_items` and the 通报's prepared statements share."""
    rows = SpotCheckItem.objects.filter(sheet__year=year, sheet__quarter=quarter,
                                        sheet__status__in=[CheckSheet.Status.SUBMITTED, CheckSheet.Status.ACCEPTED])
    return rows if path is None else rows.filter(sheet__org_path__startswith=path)


def reported_items(unit, year: int, quarter: int):
    """The 检查结果信息表 rows reported (submitted or accepted) in `unit`'s subtree for a quarter."""
    return reported_items_at(year, quarter, None if unit.is_root else unit.path)


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    return start, (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1))


def _late_at(start: date, end: date, path: str | None = None):
    rows = MediaAccount.objects.filter(filed_late=True, removed_at__isnull=True, submitted_on__gte=start,
                                       submitted_on__lt=end)
    if path is not None:
        rows = rows.filter(org_path__startswith=path)
    return rows.select_related("filer_unit").only(*LATE_FIELDS).order_by("submitted_on", "id")


def late_filings(unit, year: int, quarter: int):
    """逾期备案: the subtree's live accounts first submitted in the quarter more than 3 working days
    after their 开设时间 (accounts_media.filing)."""
    return _late_at(*_quarter_bounds(year, quarter), None if unit.is_root else unit.path)


def late_filings_listed(unit, year: int, quarter: int, limit: int) -> tuple[list, int]:
    """The first `limit` late filings of `late_filings` (a statement compiled once per shape: the
    country, or a subtree) and how many there are in all (counted only when the list is full)."""
    listed = prepared(("reports.late", unit.is_root, limit), MediaAccount,
                      lambda start, end, path=None: _late_at(start, end, path)[:limit],
                      start=DAY, end=DAY + timedelta(days=1), **subtree_markers(unit))
    start, end = _quarter_bounds(year, quarter)
    rows = listed.all(start=start, end=end, **subtree_values(unit))
    return rows, (len(rows) if len(rows) < limit else late_filings(unit, year, quarter).count())


# What 检查季度, the 通报 and its .docx show of a late account (类型 from the three type columns).
LATE_FIELDS = ("id", "name", "account_type", "wechat_kind", "platform_name", "opened_on", "submitted_on", "filer_unit__name")
