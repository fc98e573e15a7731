"""The rules of the quarterly self-checks (检查季度, 检查结果信息表) and their way up the tree.

A quarter is opened by an org unit for its subtree (GB: the country) as a job (check_rounds):
every active filer unit and org unit in the subtree gets one sheet per quarter, prefilled from
the registry (check_prefill); a sheet already opened by a wider round keeps its place and takes
the earlier 截止日期. A filer sheet is reviewed by the filer's org unit; an org unit's sheet by its
parent, on the review engine (check_workflow). An org sheet's figures are its own rows plus its
children's accepted sheets, so each level's figures cover its whole subtree. Every edit of a
sheet (its header, a row, a 私开账号) is journaled old → new and moves the sheet's version, so a
stale tab is refused (409).
"""
from datetime import date

from django.db import transaction
from django.db.models import Count, Q

from accounts.models import User
from accounts_media.models import MediaAccount
from reviews import journal
from reviews.engine import AlreadyHandled

from .check_prefill import prefill_sheets
from .check_reminders import send_reminders as send_due_reminders
from .check_rounds import FILER_TIER, deadline_tiers, open_round  # noqa: F401 - the service API
from .check_workflow import HANDLED, WORKFLOW, children_q, children_sheets, may_review, owns, reviewer_of  # noqa: F401
from .models import CheckSheet, SpotCheckItem, SpotCheckReport, problems_for
from .selectors import reported_items
from .services import ReportError
from .check_workflow import submit_name
from .services import _editable as editable_report

# 新媒体类型 of an unregistered account, as the 检查结果信息表 note lists them.
MEDIA_TYPES = ["微信", "微博", "移动客户端（APP）", "抖音", "快手", "企鹅号", "今日头条号", "小程序", "其他"]


def prefill(sheet: CheckSheet) -> None:
    """The rows from the registry, once (check_prefill has the rule)."""
    prefill_sheets([sheet.pk])


def _editable(sheet: CheckSheet, version: int | None = None) -> CheckSheet:
    """The sheet locked for an edit: still open, and (from a form) at the version the page showed."""
    current = CheckSheet.objects.select_for_update().get(pk=sheet.pk)
    if version is not None and current.version != version:
        raise AlreadyHandled(HANDLED)
    if not current.editable:
        raise AlreadyHandled("检查结果已报送，不能修改。")
    return current


def _touch(sheet: CheckSheet) -> None:
    CheckSheet.objects.filter(pk=sheet.pk).update(version=sheet.version + 1)
    sheet.version += 1


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


MARK_LABELS = {"passed": "是否合格", "problems": "存在的突出问题", "problem_other": "其他问题说明", "rectification": "整改情况"}


def _mark_text(field: str, value) -> str:
    if field == "passed":
        return "未填写" if value is None else "合格" if value else "不合格"
    return journal.show(value)


@transaction.atomic
def save_sheet(sheet: CheckSheet, *, filler_name: str, filler_phone: str, marks: dict[int, dict],
               user=None, version: int | None = None) -> CheckSheet:
    """The header and the marks of the rows, all or nothing (a bad row keeps every row as it was);
    every changed field journaled old → new in one entry."""
    sheet = _editable(sheet, version)
    items = {i.pk: i for i in sheet.items.filter(unregistered=False)}
    cleaned = {}
    for pk, mark in marks.items():
        if pk in items:
            cleaned[pk] = clean_mark(items[pk], mark.get("passed"), mark.get("problems", []), mark.get("problem_other", ""),
                                     mark.get("rectification", ""))
    changes = []
    for label, field, new in (("填表人", "filler_name", filler_name.strip()), ("联系电话", "filler_phone", filler_phone.strip())):
        if getattr(sheet, field) != new:
            changes.append({"field": field, "label": label, "old": getattr(sheet, field), "new": new})
    changed_items = []
    for pk, values in cleaned.items():
        item, touched = items[pk], False
        for field, value in values.items():
            old = getattr(item, field)
            if old != value:
                changes.append({"field": f"item{pk}.{field}", "label": f"{item.name}（{item.media_code or item.type_label}）"
                                f"·{MARK_LABELS[field]}", "old": _mark_text(field, old), "new": _mark_text(field, value)})
                setattr(item, field, value)
                touched = True
        if touched:
            changed_items.append(item)
    if not changes:
        return sheet
    SpotCheckItem.objects.bulk_update(changed_items, ["passed", "problems", "problem_other", "rectification"])
    sheet.filler_name, sheet.filler_phone = filler_name.strip(), filler_phone.strip()
    sheet.version += 1
    sheet.save(update_fields=["filler_name", "filler_phone", "version"])
    journal.record(sheet, "check_sheet_edit", user, changes=changes, scope_path=sheet.org_path)
    return sheet


@transaction.atomic
def add_unregistered(sheet: CheckSheet, *, type_label: str, name: str, link: str, operator: str,
                     rectification: str, user=None) -> SpotCheckItem:
    """私开账号: an account found during the check that the registry does not hold."""
    sheet = _editable(sheet)
    if type_label not in MEDIA_TYPES:
        raise ReportError("请选择新媒体类型。")
    if not name.strip() or not link.strip():
        raise ReportError("请填写未备案账号的名称和链接。")
    if sheet.items.filter(unregistered=True, link=link.strip()).exists():
        raise ReportError("该链接的未备案账号已登记。")
    item = SpotCheckItem.objects.create(sheet=sheet, unregistered=True, type_label=type_label, name=name.strip()[:100],
                                        link=link.strip()[:300], operator=(operator.strip() or sheet.unit_name)[:100],
                                        passed=None, rectification=rectification.strip()[:500])
    _touch(sheet)
    journal.record(sheet, "check_unregistered_add", user, scope_path=sheet.org_path,
                   after={"新媒体类型": item.type_label, "新媒体名称": item.name, "链接": item.link, "开设单位": item.operator,
                          "处理情况": item.rectification})
    return item


@transaction.atomic
def delete_unregistered(sheet: CheckSheet, item_id: int, user=None) -> None:
    sheet = _editable(sheet)
    item = sheet.items.filter(pk=item_id, unregistered=True).first()
    if item is None:
        return
    item.delete()
    _touch(sheet)
    journal.record(sheet, "check_unregistered_delete", user, scope_path=sheet.org_path,
                   before={"新媒体名称": item.name, "链接": item.link})


@transaction.atomic
def update_unregistered(sheet: CheckSheet, item_id: int, rectification: str, user=None) -> SpotCheckItem:
    """处理情况 of a 私开账号 row: registered, closed, or why it is not registered."""
    sheet = _editable(sheet)
    item = sheet.items.filter(pk=item_id, unregistered=True).first()
    if item is None:
        raise ReportError("该未备案账号不存在。")
    if not rectification.strip():
        raise ReportError("请填写处理情况（已提交备案、已关停，或不备案的原因）。")
    old = item.rectification
    item.rectification = rectification.strip()[:500]
    item.save(update_fields=["rectification"])
    if old != item.rectification:
        _touch(sheet)
        journal.record(sheet, "check_unregistered_edit", user, scope_path=sheet.org_path,
                       changes=[{"field": f"item{item.pk}.rectification", "label": f"{item.name}·处理情况", "old": old,
                                 "new": item.rectification}])
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


def submit_sheet(user: User, sheet: CheckSheet, version: int | None = None) -> CheckSheet:
    """提交 (a filer unit) / 上报 (an org unit): the rows all marked, the header filled; an org sheet
    after its children are reviewed (the engine's guards)."""
    prefill(sheet)  # a sheet never prefilled still gets its registry rows, which must then be marked
    return WORKFLOW.apply(sheet, submit_name(sheet), user, expected_version=version)


def return_sheet(user: User, sheet: CheckSheet, reason: str, version: int | None = None) -> CheckSheet:
    """退回 (with a reason) a submitted or accepted sheet while the reviewer's own sheet is still open."""
    return WORKFLOW.apply(sheet, "check_return", user, {"reason": reason}, expected_version=version)


def accept_sheet(user: User, sheet: CheckSheet, version: int | None = None) -> CheckSheet:
    return WORKFLOW.apply(sheet, "check_accept", user, expected_version=version)


@transaction.atomic
def fill_report_from_checks(report: SpotCheckReport) -> SpotCheckReport:
    """上报抽查情况 built from the subtree's reported sheets: the rows of the report's kind (网站 or
    新媒体, 未备案账号 aside) of every submitted or accepted sheet; still editable by hand after."""
    report = editable_report(report)
    if report.items.exists():
        raise ReportError("报告已有逐条检查结果，不能再按下级汇总。")
    rows = reported_items(report.org_unit, report.year, report.quarter).filter(unregistered=False)
    rows = rows.filter(type_label="政府网站") if report.kind == SpotCheckReport.Kind.WEBSITE else rows.exclude(type_label="政府网站")
    counts = rows.aggregate(checked=Count("id"), failed=Count("id", filter=Q(passed=False)))
    report.checked_count, report.failed_count = counts["checked"], counts["failed"]
    report.save(update_fields=["checked_count", "failed_count"])
    return report


# --- reminders (check_reminders) ------------------------------------------------------------------

def send_reminders(today: date | None = None) -> int:
    """The daily run of the scheduler (jobs/schedule.py, 08:30)."""
    return send_due_reminders(today)
