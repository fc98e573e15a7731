"""The rules of the quarterly self-checks (检查季度, 检查结果信息表) and their way up the tree.

A quarter is opened by an org unit for its subtree (GB: the country). Every active filer unit and
org unit in the subtree gets one sheet per quarter; a sheet already opened by a wider round keeps
its place and takes the earlier 截止日期. A filer sheet is reviewed by the filer's org unit; an org
unit's sheet by its parent. An org sheet's figures are its own rows plus its children's accepted
sheets, so each level's figures cover its whole subtree.
"""
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts_media.models import MediaAccount, Status as MediaStatus
from orgtree.models import FilerUnit, OrgUnit
from orgtree.selectors import scope_q, units_under
from reviews import journal

from .models import CheckRound, CheckSheet, SpotCheckItem, SpotCheckReport, problems_for
from .selectors import reported_items
from .services import ReportError

# 新媒体类型 of an unregistered account, as the 检查结果信息表 note lists them.
MEDIA_TYPES = ["微信", "微博", "移动客户端（APP）", "抖音", "快手", "企鹅号", "今日头条号", "小程序", "其他"]
FILER_TIER = "filer"


def deadline_tiers(opener: OrgUnit) -> list[tuple[str, str]]:
    """The 截止日期 a round asks for: the opener's own sheet (unless GB), each org level below it
    that exists in the subtree, and the filer units."""
    levels = sorted(set(units_under(opener, include_self=False).filter(is_active=True).values_list("level", flat=True)))
    tiers = [] if opener.is_root else [(str(opener.level), f"本单位（{opener.name}）报送上级")]
    tiers += [(str(level), f"第{level}级组织单位") for level in levels]
    return tiers + [(FILER_TIER, "填报单位")]


def _earlier(a: date | None, b: date | None) -> date | None:
    return min(d for d in (a, b) if d) if (a or b) else None


def open_round(user: User, year: int, quarter: int, deadlines: dict[str, date], title: str = "") -> CheckRound:
    """发起检查. Two units opening the same quarter at the same moment: one wins, the other is told to retry."""
    try:
        with transaction.atomic():
            return _open_round(user, year, quarter, deadlines, title)
    except IntegrityError:
        raise ReportError("本季度检查正由本单位或其他单位同时发起，请刷新页面后重试。") from None


def _open_round(user: User, year: int, quarter: int, deadlines: dict[str, date], title: str) -> CheckRound:
    if user.role not in (Role.GB, Role.L1, Role.ORG):
        raise ReportError("只有组织单位可以发起检查。")
    this_year = timezone.localdate().year
    if not (2019 <= year <= this_year + 1) or quarter not in (1, 2, 3, 4):
        raise ReportError(f"年份应在 2019—{this_year + 1} 之间，季度为 1—4。")
    opener = user.org_unit
    if CheckRound.objects.filter(opened_by=opener, year=year, quarter=quarter).exists():
        raise ReportError(f"本单位已发起{year}年第{quarter}季度检查。")
    keys = {key for key, _ in deadline_tiers(opener)}
    missing = keys - {k for k, v in deadlines.items() if v}
    if missing:
        raise ReportError("请填写每一级的截止日期。")
    round_ = CheckRound.objects.create(
        opened_by=opener, year=year, quarter=quarter,
        title=title.strip() or f"{opener.name}{year}年第{quarter}季度政府网站和政务新媒体检查",
        deadlines={k: deadlines[k].isoformat() for k in keys})
    orgs = units_under(opener, include_self=not opener.is_root).filter(is_active=True)
    filers = FilerUnit.objects.filter(status=FilerUnit.Status.ACTIVE).filter(scope_q(opener, "org_unit__path")).select_related("org_unit")
    existing = {(s.filer_unit_id, s.org_unit_id): s for s in
                CheckSheet.objects.select_for_update().filter(year=year, quarter=quarter).filter(scope_q(opener, "org_path"))}
    new, moved = [], []
    for unit in orgs:
        _place(new, moved, existing.get((None, unit.pk)), round_, deadlines[str(unit.level)],
               org_unit=unit, org_path=unit.path, unit_name=unit.name)
    for filer in filers:
        _place(new, moved, existing.get((filer.pk, filer.org_unit_id)), round_, deadlines[FILER_TIER],
               filer_unit=filer, org_unit=filer.org_unit, org_path=filer.org_unit.path, unit_name=filer.name)
    CheckSheet.objects.bulk_create(new, batch_size=2000)
    CheckSheet.objects.bulk_update(moved, ["due_date"], batch_size=2000)
    journal.record(round_, "check_open", user, label="发起检查", data={"deadlines": round_.deadlines, "sheets": len(new)},
                   scope_path=opener.path)
    return round_


def _place(new, moved, sheet, round_, due, **fields):
    if sheet is None:
        new.append(CheckSheet(round=round_, year=round_.year, quarter=round_.quarter, due_date=due, **fields))
    elif _earlier(sheet.due_date, due) != sheet.due_date:
        sheet.due_date = due
        moved.append(sheet)


def owns(user: User, sheet: CheckSheet) -> bool:
    if user.kind == User.Kind.FILER:
        return sheet.filer_unit_id is not None and sheet.filer_unit_id == user.filer_unit_id
    return user.kind == User.Kind.ORG and sheet.filer_unit_id is None and sheet.org_unit_id == user.org_unit_id


def reviewer_of(sheet: CheckSheet) -> int | None:
    """The org unit (id) that reviews the sheet: the filer's org unit, or the org unit's parent."""
    return sheet.org_unit_id if sheet.filer_unit_id else sheet.org_unit.parent_id


def may_review(user: User, sheet: CheckSheet) -> bool:
    return user.kind == User.Kind.ORG and user.org_unit_id is not None and reviewer_of(sheet) == user.org_unit_id


def prefill(sheet: CheckSheet) -> None:
    """The rows from the registry, once: a filer unit's 正常 accounts and the websites of its org unit
    whose 主办单位 is the filer's name; an org unit's websites no filer unit of it runs."""
    from websites.models import RunStatus, Website

    from .services import item_subject

    with transaction.atomic():
        sheet = CheckSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.prefilled:
            return
        sites = Website.objects.filter(org_unit_id=sheet.org_unit_id, run_status=RunStatus.NORMAL, site_code__isnull=False)
        subjects = []
        if sheet.filer_unit_id:
            subjects += list(MediaAccount.objects.filter(filer_unit_id=sheet.filer_unit_id, status=MediaStatus.NORMAL,
                                                         removed_at__isnull=True, media_code__isnull=False).order_by("media_code"))
            sites = sites.filter(sponsor=sheet.unit_name)
        else:
            names = FilerUnit.objects.filter(org_unit_id=sheet.org_unit_id, status=FilerUnit.Status.ACTIVE).values("name")
            sites = sites.exclude(sponsor__in=names)
        subjects += list(sites.order_by("site_code"))
        SpotCheckItem.objects.bulk_create([SpotCheckItem(sheet=sheet, passed=None, **item_subject(s)) for s in subjects])
        from monitoring.indicators import prefill_from_verdicts  # the monitored indicators' failures (issue 27)

        prefill_from_verdicts(sheet)
        sheet.prefilled = True
        sheet.save(update_fields=["prefilled"])


def _editable(sheet: CheckSheet) -> CheckSheet:
    sheet = CheckSheet.objects.select_for_update().get(pk=sheet.pk)
    if not sheet.editable:
        raise ReportError("检查结果已报送，不能修改。")
    return sheet


def clean_mark(item: SpotCheckItem, passed: bool | None, problems: list[str], other: str, rectification: str) -> dict:
    """One row's 是否合格 / 存在的突出问题 / 整改情况, checked against the row's kind (网站 or 新媒体)."""
    if passed is None:
        return {"passed": None, "problems": [], "problem_other": "", "rectification": rectification.strip()}
    if passed:
        return {"passed": True, "problems": [], "problem_other": "", "rectification": rectification.strip()}
    allowed = problems_for(item.is_website)
    chosen = [p for p in allowed if p in set(problems)]
    if not chosen:
        raise ReportError(f"“{item.name}”不合格，须选择存在的突出问题。")
    if "其他" in chosen and not other.strip():
        raise ReportError(f"“{item.name}”选择“其他”时须填写问题说明。")
    if not rectification.strip():
        raise ReportError(f"“{item.name}”不合格，须填写整改情况。")
    return {"passed": False, "problems": chosen, "problem_other": other.strip() if "其他" in chosen else "",
            "rectification": rectification.strip()}


@transaction.atomic
def save_sheet(sheet: CheckSheet, *, filler_name: str, filler_phone: str, marks: dict[int, dict]) -> CheckSheet:
    """The header and the marks of the rows, all or nothing (a bad row keeps every row as it was)."""
    sheet = _editable(sheet)
    items = {i.pk: i for i in sheet.items.filter(unregistered=False)}
    cleaned = {}
    for pk, mark in marks.items():
        if pk in items:
            cleaned[pk] = clean_mark(items[pk], mark.get("passed"), mark.get("problems", []), mark.get("problem_other", ""),
                                     mark.get("rectification", ""))
    for pk, values in cleaned.items():
        for field, value in values.items():
            setattr(items[pk], field, value)
    SpotCheckItem.objects.bulk_update([items[pk] for pk in cleaned], ["passed", "problems", "problem_other", "rectification"])
    sheet.filler_name, sheet.filler_phone = filler_name.strip(), filler_phone.strip()
    sheet.save(update_fields=["filler_name", "filler_phone"])
    return sheet


@transaction.atomic
def add_unregistered(sheet: CheckSheet, *, type_label: str, name: str, link: str, operator: str,
                     rectification: str) -> SpotCheckItem:
    """私开账号: an account found during the check that the registry does not hold."""
    sheet = _editable(sheet)
    if type_label not in MEDIA_TYPES:
        raise ReportError("请选择新媒体类型。")
    if not name.strip() or not link.strip():
        raise ReportError("请填写未备案账号的名称和链接。")
    if sheet.items.filter(unregistered=True, link=link.strip()).exists():
        raise ReportError("该链接的未备案账号已登记。")
    return SpotCheckItem.objects.create(sheet=sheet, unregistered=True, type_label=type_label, name=name.strip()[:100],
                                        link=link.strip()[:300], operator=(operator.strip() or sheet.unit_name)[:100],
                                        passed=None, rectification=rectification.strip()[:500])


@transaction.atomic
def delete_unregistered(sheet: CheckSheet, item_id: int) -> None:
    sheet = _editable(sheet)
    sheet.items.filter(pk=item_id, unregistered=True).delete()


@transaction.atomic
def update_unregistered(sheet: CheckSheet, item_id: int, rectification: str) -> SpotCheckItem:
    """处理情况 of a 私开账号 row: registered, closed, or why it is not registered."""
    sheet = _editable(sheet)
    item = sheet.items.filter(pk=item_id, unregistered=True).first()
    if item is None:
        raise ReportError("该未备案账号不存在。")
    if not rectification.strip():
        raise ReportError("请填写处理情况（已提交备案、已关停，或不备案的原因）。")
    item.rectification = rectification.strip()[:500]
    item.save(update_fields=["rectification"])
    return item


# 新媒体类型 of the 检查结果信息表 → 账号类型 of the registry (the 添加账号 form's codes).
TYPE_CODES = {"微信": "WX", "微博": "WB", "移动客户端（APP）": "KH", "抖音": "DY", "快手": "KS", "企鹅号": "QE",
              "今日头条号": "TT", "小程序": "XC", "其他": "QT"}


def registration_initial(item: SpotCheckItem) -> dict:
    """The 添加账号 form prefilled from a 私开账号 row: type, name, link and the opening unit."""
    return {"account_type": TYPE_CODES.get(item.type_label, ""), "name": item.name, "url": item.link,
            "operator": item.operator}


@transaction.atomic
def link_registration(user: User, item: SpotCheckItem, account: MediaAccount) -> None:
    """去备案 done: the row points at the add request (draft or submitted) made from it; the row
    stays a 私开账号 of the quarter (counted in 未备案账号)."""
    SpotCheckItem.objects.filter(pk=item.pk, unregistered=True).update(account=account)
    journal.record(item.sheet, "check_unregistered_register", user, label="未备案账号去备案",
                   after={"account": f"{account.name}（{account.get_status_display()}）"}, scope_path=item.sheet.org_path)


def children_q(org_unit_id: int) -> Q:
    """The sheets an org unit reviews: its filer units' and its child org units'."""
    return Q(filer_unit__isnull=False, org_unit_id=org_unit_id) | Q(filer_unit__isnull=True, org_unit__parent_id=org_unit_id)


def children_sheets(sheet: CheckSheet):
    """The sheets an org sheet reviews."""
    return CheckSheet.objects.filter(year=sheet.year, quarter=sheet.quarter).filter(children_q(sheet.org_unit_id))


def _own_counts(sheet: CheckSheet) -> dict:
    return sheet.items.aggregate(checked=Count("id", filter=Q(unregistered=False)),
                                 failed=Count("id", filter=Q(unregistered=False, passed=False)),
                                 unregistered=Count("id", filter=Q(unregistered=True)))


@transaction.atomic
def submit_sheet(user: User, sheet: CheckSheet) -> CheckSheet:
    """报送: the rows all marked, the header filled; an org sheet after its children are reviewed."""
    prefill(sheet)  # a sheet never opened still gets its registry rows, which must then be marked
    sheet = _editable(sheet)
    if not sheet.filler_name or not sheet.filler_phone:
        raise ReportError("请先填写填表人和联系电话并保存。")
    unmarked = sheet.items.filter(unregistered=False, passed__isnull=True).count()
    if unmarked:
        raise ReportError(f"还有 {unmarked} 条检查结果未填写是否合格。")
    counts = _own_counts(sheet)
    if not sheet.filer_unit_id:
        children = children_sheets(sheet)
        waiting = children.filter(status=CheckSheet.Status.SUBMITTED).count()
        if waiting:
            raise ReportError(f"还有 {waiting} 份下级检查结果待审核，请先审核或退回。")
        done = children.filter(status=CheckSheet.Status.ACCEPTED).values_list("checked_count", "failed_count",
                                                                           "unregistered_count")
        for checked, failed, unregistered in done:
            counts["checked"] += checked
            counts["failed"] += failed
            counts["unregistered"] += unregistered
    before = sheet.get_status_display()
    sheet.checked_count, sheet.failed_count, sheet.unregistered_count = counts["checked"], counts["failed"], counts["unregistered"]
    sheet.status, sheet.submitted_at, sheet.return_reason = CheckSheet.Status.SUBMITTED, timezone.now(), ""
    sheet.save()
    journal.record(sheet, "check_submit", user, label="报送检查结果", status=(before, sheet.get_status_display()),
                   after={"checked_count": sheet.checked_count, "failed_count": sheet.failed_count,
                          "unregistered_count": sheet.unregistered_count}, scope_path=sheet.org_path)
    return sheet


def _reviewable(user: User, sheet: CheckSheet) -> CheckSheet:
    sheet = CheckSheet.objects.select_for_update().select_related("org_unit").get(pk=sheet.pk)
    if not may_review(user, sheet):
        raise ReportError("只有上级组织单位可以审核该检查结果。")
    return sheet


def _own_sheet_open(user: User, sheet: CheckSheet) -> None:
    own = CheckSheet.objects.filter(filer_unit__isnull=True, org_unit_id=user.org_unit_id, year=sheet.year,
                                    quarter=sheet.quarter).first()
    if own is not None and not own.editable:
        raise ReportError("本单位检查结果已报送上级，不能再审核下级检查结果。")


@transaction.atomic
def return_sheet(user: User, sheet: CheckSheet, reason: str) -> CheckSheet:
    """退回 (with a reason) a submitted or accepted sheet while the reviewer's own sheet is still open."""
    sheet = _reviewable(user, sheet)
    if not reason.strip():
        raise ReportError("请填写退回原因。")
    if sheet.status not in (CheckSheet.Status.SUBMITTED, CheckSheet.Status.ACCEPTED):
        raise ReportError("只能退回已报送的检查结果。")
    _own_sheet_open(user, sheet)
    before = sheet.get_status_display()
    sheet.status, sheet.return_reason, sheet.reviewed_at = CheckSheet.Status.RETURNED, reason.strip()[:500], timezone.now()
    sheet.save(update_fields=["status", "return_reason", "reviewed_at"])
    journal.record(sheet, "check_return", user, label="退回检查结果", status=(before, sheet.get_status_display()),
                   reason=sheet.return_reason, scope_path=sheet.org_path)
    return sheet


@transaction.atomic
def accept_sheet(user: User, sheet: CheckSheet) -> CheckSheet:
    sheet = _reviewable(user, sheet)
    if sheet.status != CheckSheet.Status.SUBMITTED:
        raise ReportError("只能审核已报送待审核的检查结果。")
    _own_sheet_open(user, sheet)
    before = sheet.get_status_display()
    sheet.status, sheet.reviewed_at = CheckSheet.Status.ACCEPTED, timezone.now()
    sheet.save(update_fields=["status", "reviewed_at"])
    journal.record(sheet, "check_accept", user, label="审核通过检查结果", status=(before, sheet.get_status_display()),
                   scope_path=sheet.org_path)
    return sheet


@transaction.atomic
def fill_report_from_checks(report: SpotCheckReport) -> SpotCheckReport:
    """上报抽查情况 built from the subtree's reported sheets: the rows of the report's kind (网站 or
    新媒体, 未备案账号 aside) of every submitted or accepted sheet; still editable by hand after."""
    from .services import _editable as editable_report

    report = editable_report(report)
    if report.items.exists():
        raise ReportError("报告已有逐条检查结果，不能再按下级汇总。")
    rows = reported_items(report.org_unit, report.year, report.quarter).filter(unregistered=False)
    rows = rows.filter(type_label="政府网站") if report.kind == SpotCheckReport.Kind.WEBSITE else rows.exclude(type_label="政府网站")
    counts = rows.aggregate(checked=Count("id"), failed=Count("id", filter=Q(passed=False)))
    report.checked_count, report.failed_count = counts["checked"], counts["failed"]
    report.save(update_fields=["checked_count", "failed_count"])
    return report


# --- reminders ---------------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 3


def _reminder_recipients(sheet: CheckSheet) -> list:
    """The logins of the sheet's unit: the filer unit's, or every login of the org unit."""
    from notifications.services import org_unit_users

    if sheet.filer_unit_id:
        return list(User.objects.filter(kind=User.Kind.FILER, filer_unit_id=sheet.filer_unit_id, is_active=True)
                    .select_related("filer_unit"))
    return org_unit_users([sheet.org_unit_id])


def send_reminders(today: date | None = None, days_before: int = REMIND_DAYS_BEFORE) -> int:
    """催报: each sheet not yet reported gets one reminder `days_before` days before its 截止日期 and
    one on the day, as a 截止日期临近 notification to the unit's logins (消息中心, and by SMS and
    e-mail as each login chose, default both: the filer unit's 联系人 mobile, the org unit's mobile
    联系电话 and 电子邮箱), sent by a job. Run daily (`manage.py send_check_reminders`), on any
    number of nodes: running twice the same day sends nothing new. Returns the number of sheets reminded."""
    import logging

    from django.urls import reverse

    from notifications.services import notify

    logger = logging.getLogger("govmedia.checks")
    today = today or timezone.localdate()
    due = CheckSheet.objects.filter(status__in=[CheckSheet.Status.DRAFT, CheckSheet.Status.RETURNED],
                                    due_date__in=[today, today + timedelta(days=days_before)]).exclude(
        reminded_on=today).select_related("filer_unit", "org_unit")
    sent = 0
    for sheet in due:
        when = "今日" if sheet.due_date == today else f"{sheet.due_date:%m月%d日}"
        text = (f"【政务新媒体检查】{sheet.unit_name}：{sheet.year}年第{sheet.quarter}季度检查结果信息表{when}截止"
                f"（{sheet.due_date:%Y-%m-%d}），请登录系统按时报送。")
        recipients = _reminder_recipients(sheet)
        if not recipients:
            logger.warning("reminder for sheet %s: %s has no login", sheet.pk, sheet.unit_name)
            continue
        with transaction.atomic():
            # Claim the day's reminder first (one UPDATE): a second node running the command at the
            # same time finds it claimed and sends nothing.
            if not CheckSheet.objects.filter(pk=sheet.pk).exclude(reminded_on=today).update(reminded_on=today):
                continue
            notify(recipients, "deadline", "检查结果信息表报送提醒", text, reverse("checks:sheet", args=[sheet.pk]))
        sent += 1
    return sent
