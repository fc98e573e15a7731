"""检查季度 and 检查结果信息表: filer units and org units fill, org units review and report upward."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.validators import validate_phone
from govmedia.common.xlsx import workbook_bytes, xlsx_download

from . import check_services as checks
from .models import CheckSheet, pass_rate, problems_for
from .selectors import reported_items, rounds_visible_to, sheets_visible_to
from .services import ReportError


def _sheet(request, pk) -> CheckSheet:
    sheet = sheets_visible_to(request.user).filter(pk=pk).first()
    if sheet is None:
        raise PermissionDenied("您没有访问该检查结果的权限。")
    return sheet


def _own(request, pk) -> CheckSheet:
    sheet = _sheet(request, pk)
    if not checks.owns(request.user, sheet):
        raise PermissionDenied("只有填报单位本身可以填写检查结果。")
    return sheet


def _own_sheets(user: User):
    qs = sheets_visible_to(user)
    return qs if user.kind == User.Kind.FILER else qs.filter(filer_unit__isnull=True, org_unit_id=user.org_unit_id)


@require_GET
def home(request):
    """检查任务: what the unit has to report (due, overdue) and, for org units, the quarters."""
    user, today = request.user, timezone.localdate()
    own = list(_own_sheets(user).order_by("-year", "-quarter"))
    context = {"own": own, "today": today, "rounds": rounds_visible_to(user).select_related("opened_by")}
    if user.kind == User.Kind.ORG:
        context["tiers"] = checks.deadline_tiers(user.org_unit)
        context["this_year"] = today.year
        context["this_quarter"] = (today.month - 1) // 3 + 1
        quarters = sheets_visible_to(user).values_list("year", "quarter").distinct().order_by("-year", "-quarter")
        context["quarters"] = list(quarters)
    return render(request, "reports/checks/home.html", context)


@require_POST
def open_round(request):
    tiers = checks.deadline_tiers(request.user.org_unit)
    try:
        year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
        deadlines = {key: date.fromisoformat(request.POST.get(f"due_{key}", "")) for key, _ in tiers}
    except ValueError:
        messages.error(request, "请填写年份、季度和每一级的截止日期（日期格式 2026-03-17）。")
        return redirect("checks:home")
    try:
        round_ = checks.open_round(request.user, year, quarter, deadlines, request.POST.get("title", ""))
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect("checks:home")
    messages.success(request, f"已发起“{round_.title}”。")
    return redirect("checks:quarter", year=year, quarter=quarter)


def _overview(user: User, year: int, quarter: int) -> dict:
    """The unit's view of a quarter: its direct children's sheets, rates by type over the subtree,
    and every sheet of the subtree not yet reported."""
    unit, today = user.org_unit, timezone.localdate()
    sheets = sheets_visible_to(user).filter(year=year, quarter=quarter).select_related("org_unit__parent")
    children = list(sheets.filter(checks.children_q(unit.pk)).order_by("filer_unit_id", "org_path"))
    by_type = (reported_items(unit, year, quarter).filter(unregistered=False).values("type_label")
               .annotate(checked=Count("id"), failed=Count("id", filter=Q(passed=False))).order_by("type_label"))
    types = [{**row, "rate": pass_rate(row["checked"], row["failed"])} for row in by_type]
    pending = [s for s in sheets.exclude(status__in=[CheckSheet.Status.SUBMITTED, CheckSheet.Status.ACCEPTED])
               .exclude(filer_unit__isnull=True, org_unit_id=unit.pk).order_by("due_date", "org_path")]
    own = sheets.filter(filer_unit__isnull=True, org_unit_id=unit.pk).first()
    return {"year": year, "quarter": quarter, "children": children, "types": types, "pending": pending, "own": own,
            "today": today, "overdue": [s for s in pending if s.is_overdue(today)]}


@require_GET
def quarter(request, year, quarter):
    return render(request, "reports/checks/quarter.html", _overview(request.user, year, quarter))


@require_GET
def overdue_export(request, year, quarter):
    """逾期未报送单位 as xlsx: every sheet of the subtree past its 截止日期 and not reported."""
    data = _overview(request.user, year, quarter)
    rows = [[i, s.unit_name, "填报单位" if s.is_filer_sheet else "组织单位", s.supervisor_name, s.due_date,
             s.get_status_display(), (data["today"] - s.due_date).days] for i, s in enumerate(data["overdue"], 1)]
    content = workbook_bytes([{"title": "逾期未报送", "headers": ["序号", "单位名称", "单位类别", "所属组织单位", "截止日期", "状态", "逾期天数"],
                               "rows": rows, "widths": [6, 30, 10, 20, 12, 14, 10],
                               "preamble": [f"{request.user.org_unit.name}{year}年第{quarter}季度检查逾期未报送单位"]}])
    return xlsx_download(content, f"逾期未报送-{year}Q{quarter}.xlsx")


@require_GET
def circular(request, year, quarter):
    """季度通报 of the unit's subtree: the page, or (?format=docx) the .docx."""
    from .circular import circular_data, circular_docx

    data = circular_data(request.user.org_unit, _overview(request.user, year, quarter))
    if request.GET.get("format") == "docx":
        return xlsx_download(circular_docx(data), data["title"] + ".docx", content_type=DOCX_TYPE)
    return render(request, "reports/checks/circular.html", data)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def sheet_detail(request, pk):
    sheet = _sheet(request, pk)
    owner = checks.owns(request.user, sheet)
    if owner and sheet.editable and not sheet.prefilled:
        checks.prefill(sheet)
    items = list(sheet.items.select_related("website"))
    for item in items:
        item.choices = problems_for(item.is_website)
    checked = [i for i in items if not i.unregistered]
    # Each kind of row under the manuals' own titles: 新媒体类型 / 新媒体名称 / 开设单位 for the
    # accounts, 网站名称 / 首页网址 / 主办单位 for the websites.
    groups = [{"title": "政务新媒体", "website": False, "headers": ["新媒体类型", "新媒体名称", "开设单位"],
               "items": [i for i in checked if not i.is_website]},
              {"title": "政府网站", "website": True, "headers": ["网站名称", "首页网址", "主办单位"],
               "items": [i for i in checked if i.is_website]}]
    context = {"sheet": sheet, "items": checked, "groups": groups,
               "unregistered": [i for i in items if i.unregistered], "owner": owner,
               "editable": owner and sheet.editable, "reviewer": checks.may_review(request.user, sheet),
               "media_types": checks.MEDIA_TYPES, "today": timezone.localdate()}
    if not sheet.is_filer_sheet:
        context["children"] = checks.children_sheets(sheet).select_related("org_unit").order_by("filer_unit_id", "org_path")
    return render(request, "reports/checks/sheet.html", context)


@require_POST
def sheet_save(request, pk):
    sheet = _own(request, pk)
    name, phone = request.POST.get("filler_name", "").strip(), request.POST.get("filler_phone", "").strip()
    try:
        if not name:
            raise ReportError("填表人不能为空。")
        validate_phone(phone)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("checks:sheet", pk=sheet.pk)
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect("checks:sheet", pk=sheet.pk)
    marks = {}
    for item_id in sheet.items.filter(unregistered=False).values_list("pk", flat=True):
        raw = request.POST.get(f"passed_{item_id}", "")
        marks[item_id] = {"passed": {"1": True, "0": False}.get(raw), "problems": request.POST.getlist(f"problems_{item_id}"),
                          "problem_other": request.POST.get(f"other_{item_id}", ""),
                          "rectification": request.POST.get(f"rect_{item_id}", "")}
    try:
        checks.save_sheet(sheet, filler_name=name, filler_phone=phone, marks=marks)
    except ReportError as exc:
        messages.error(request, exc.message + "（本次填写未保存）")
    else:
        messages.success(request, "已保存。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def unregistered_add(request, pk):
    sheet = _own(request, pk)
    try:
        checks.add_unregistered(sheet, type_label=request.POST.get("type_label", ""), name=request.POST.get("name", ""),
                                link=request.POST.get("link", ""), operator=request.POST.get("operator", ""),
                                rectification=request.POST.get("rectification", ""))
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记未备案账号。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def unregistered_delete(request, pk, item_id):
    sheet = _own(request, pk)
    try:
        checks.delete_unregistered(sheet, item_id)
    except ReportError as exc:
        messages.error(request, exc.message)
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def sheet_submit(request, pk):
    sheet = _own(request, pk)
    try:
        checks.submit_sheet(request.user, sheet)
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "检查结果已报送上级组织单位。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def sheet_accept(request, pk):
    sheet = _sheet(request, pk)
    try:
        checks.accept_sheet(request.user, sheet)
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已审核通过“{sheet.unit_name}”的检查结果。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def sheet_return(request, pk):
    sheet = _sheet(request, pk)
    try:
        checks.return_sheet(request.user, sheet, request.POST.get("reason", ""))
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已退回“{sheet.unit_name}”的检查结果。")
    return redirect("checks:sheet", pk=sheet.pk)
