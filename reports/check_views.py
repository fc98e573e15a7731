"""检查季度 and 检查结果信息表: filer units and org units fill, org units review and report upward."""
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.validators import validate_phone
from govmedia.common.xlsx import xlsx_download
from reviews.engine import TransitionError

from . import check_services as checks
from .models import CheckSheet, problems_for
from .selectors import late_filings_listed, rounds_visible_to, sheets_visible_to
from .services import ReportError
from accounts_media import services as media
from accounts_media.forms import AccountForm
from govmedia.access import may_open
from govmedia.common.lists import render_list
from jobs.exports import export_requested, serve_list
from orgtree.selectors import ancestors_of, unit_in_scope
from reviews import engine
from reviews.buttons import posted_version, render_buttons
from .check_lists import OWN_SHEET_LIST, SHEET_LIST, sheet_url_prefix
from .check_overview import children_html, circular_rows_html, headline, overdue_list_html, rounds_of, unit_rows
from .check_workflow import HANDLED, WORKFLOW, unreported_children
from .circular import circular_data, circular_docx, start_circular_notice, start_circular_xlsx


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


@require_http_methods(["GET", "POST"])  # POST: 仅导出所选项
def home(request):
    """检查任务: the unit's own sheets (due, overdue) on the list machinery and, where the unit may
    open a round (the access map of 发起检查), the quarters and the form to open one."""
    user, today = request.user, timezone.localdate()
    # A unit with no 监测发现 page of its own (a filer unit) sees its open findings here.
    context = {"today": today, "findings_here": not may_open(user, "monitoring:findings"),
               "may_open_round": may_open(user, "checks:open")}
    if context["may_open_round"]:
        context["rounds"] = rounds_visible_to(user).select_related("opened_by").order_by("-opened_at")[:50]
        context["tiers"] = checks.deadline_tiers(user.org_unit)
        context["this_year"] = today.year
        context["this_quarter"] = (today.month - 1) // 3 + 1
        quarters = rounds_visible_to(user).values_list("year", "quarter").distinct().order_by("-year", "-quarter")
        context["quarters"] = list(quarters)
    context["empty_text"] = "暂无检查任务。"
    return serve_list(request, OWN_SHEET_LIST, "reports/checks/home.html", context)


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
    messages.success(request, f"已发起“{round_.title}”，正在生成 {round_.sheets_total} 份检查结果信息表。")
    return redirect("checks:quarter", year=year, quarter=quarter)


def _viewed_unit(request):
    """The unit whose quarter is shown: the user's own, or (drill-down) a unit of its subtree."""
    code = request.GET.get("unit", "").strip()
    if not code:
        return request.user.org_unit
    unit = unit_in_scope(request.user.org_unit, code)
    if unit is None:
        raise PermissionDenied("您没有访问该单位检查情况的权限。")
    return unit


@require_http_methods(["GET", "POST"])
def quarter(request, year, quarter):
    """检查季度: the rounds and their progress, counts per direct child (drill down into a child),
    and the paged list of the quarter's sheets (filters, columns, 导出 as a job)."""
    unit, today = _viewed_unit(request), timezone.localdate()
    request.GET = request.GET.copy()
    request.GET["year"], request.GET["quarter"] = str(year), str(quarter)
    export = export_requested(request, SHEET_LIST)
    if export is not None:
        return export
    listed, _ = SHEET_LIST.querysets(request)
    rows = unit_rows(unit, year, quarter, today)
    total = headline(rows)
    rounds = rounds_of(request.user.org_unit, year, quarter)
    scoped = unit != request.user.org_unit
    # The way down from the user's own unit (drilled into a unit below: its ancestors read in one query).
    trail = ([u for u in ancestors_of(unit, include_self=True) if u.path.startswith(request.user.org_unit.path)]
             if scoped else [unit])
    own = next((r.sheet for r in rows if r.kind == "本单位"), None)
    late_accounts, late_count = late_filings_listed(unit, year, quarter, LATE_SHOWN)  # 逾期备案 (decision 0033)
    return render_list(request, SHEET_LIST, listed, "reports/checks/quarter.html", {
        "year": year, "quarter": quarter, "unit": unit, "unit_rows": rows, "total": total, "rounds": rounds,
        "trail": trail, "own": own, "today": today, "drilled": scoped,
        "children_html": children_html(rows, sheet_url_prefix()),
        "late_accounts": late_accounts, "late_count": late_count,
        "overdue_query": f"year={year}&quarter={quarter}&overdue=1" + (f"&unit={unit.code}" if scoped else ""),
    }, unfiltered_count=None if scoped else total.due)


LATE_SHOWN = 50  # 逾期备案 accounts shown on 检查季度 (the 通报 lists more; the count covers all)


@require_GET
def overdue_export(request, year, quarter):
    """逾期未报送单位: the list's export (a job) with the overdue filter."""
    return redirect(reverse("checks:quarter", args=[year, quarter]) + "?overdue=1&export=all")


@require_GET
def circular(request, year, quarter):
    """季度通报 of the unit's subtree: the page, or (?format=docx) the .docx, or (?format=xlsx) the
    full lists the page caps (an export job)."""
    if request.GET.get("format") == "xlsx":
        return start_circular_xlsx(request, year, quarter)  # a job: the lists have no bound
    data = circular_data(request.user.org_unit, year, quarter)
    if request.GET.get("format") == "docx":
        return xlsx_download(circular_docx(data), data["title"] + ".docx", content_type=DOCX_TYPE)
    return render(request, "reports/checks/circular.html", {
        **data, "rows_html": circular_rows_html(data["rows"]), "overdue_html": overdue_list_html(data["overdue"])})


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_POST
def circular_notice(request, year, quarter):
    """生成通报: a draft notice to the subtree, its title and text prefilled from the figures; the
    unit edits it as any notice, and the .docx is regenerated from the edited text when it is sent."""
    notice = start_circular_notice(request.user, year, quarter)
    messages.success(request, "已生成通报草稿：可修改标题和正文、选择接收范围后下发，下发时附上通报（.docx）。")
    return redirect("notices:edit", pk=notice.pk)


def _refused(request, exc: TransitionError, sheet=None):
    """A refusal as its own page: 403 (never allowed), 409 (the state moved on: a stale tab), 400."""
    message = HANDLED if exc.message == engine.HANDLED else exc.message  # the engine's version check, in our words
    return render(request, "reports/checks/refused.html", {"message": message, "sheet": sheet}, status=exc.http_status)


def _buttons(request, sheet):
    urls = {"check_submit": "checks:sheet_submit", "check_report_up": "checks:sheet_submit",
            "check_accept": "checks:sheet_accept", "check_return": "checks:sheet_return"}
    return render_buttons(request, WORKFLOW, sheet, lambda t, obj: reverse(urls[t.name], args=[obj.pk]),
                          explain=("check_submit", "check_report_up") if sheet.editable else ("check_accept",))


@require_GET
def sheet_detail(request, pk):
    sheet = _sheet(request, pk)
    owner = checks.owns(request.user, sheet)
    if owner and sheet.editable and not sheet.prefilled:
        checks.prefill(sheet)
    items = list(sheet.items.select_related("website", "account"))
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
               "media_types": checks.MEDIA_TYPES, "today": timezone.localdate(), "buttons": _buttons(request, sheet),
               "unmatched": sum(1 for i in checked if i.sponsor_unmatched)}
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
        checks.save_sheet(sheet, filler_name=name, filler_phone=phone, marks=marks, user=request.user,
                          version=posted_version(request))
    except TransitionError as exc:
        return _refused(request, exc, sheet)
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
                                rectification=request.POST.get("rectification", ""), user=request.user)
    except TransitionError as exc:
        return _refused(request, exc, sheet)
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记未备案账号。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def unregistered_update(request, pk, item_id):
    sheet = _own(request, pk)
    try:
        checks.update_unregistered(sheet, item_id, request.POST.get("rectification", ""), user=request.user)
    except TransitionError as exc:
        return _refused(request, exc, sheet)
    except ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存处理情况。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_http_methods(["GET", "POST"])
def unregistered_register(request, pk, item_id):
    """去备案: the 添加账号 form prefilled from a 私开账号 row of the filer unit's own sheet; 暂存 makes
    the draft add request (提交 sends it at once); the row then points at it."""
    sheet = _own(request, pk)
    item = sheet.items.filter(pk=item_id, unregistered=True, account__isnull=True).first()
    if item is None or not sheet.is_filer_sheet:
        raise Http404("该未备案账号不存在或已去备案。")
    form = AccountForm(request.POST if request.method == "POST" else None, initial=checks.registration_initial(item))
    if request.method == "POST" and form.is_valid():
        action = "submit" if "submit" in request.POST else "save_draft"
        try:
            account = media.perform(media.new_account(request.user), action, request.user, form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            checks.link_registration(request.user, item, account)
            messages.success(request, "已提交，等待审核。" if action == "submit" else "已暂存，可在【未提交】列表中修改后提交。")
            return redirect("media:detail", pk=account.pk)
    return render(request, "accounts_media/account_form.html",
                  {"form": form, "title": f"添加账号（检查发现的未备案账号：{item.name}）", "draft": True,
                   "cancel_url": reverse("checks:sheet", args=[sheet.pk])})


@require_POST
def unregistered_delete(request, pk, item_id):
    sheet = _own(request, pk)
    try:
        checks.delete_unregistered(sheet, item_id, user=request.user)
    except TransitionError as exc:
        return _refused(request, exc, sheet)
    except ReportError as exc:
        messages.error(request, exc.message)
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def sheet_submit(request, pk):
    """提交 / 上报. An org unit reporting upward while children are still 未报送 (or 已退回) is first
    asked to confirm, the page naming them."""
    sheet = _sheet(request, pk)
    if not sheet.is_filer_sheet and checks.owns(request.user, sheet) and request.POST.get("confirmed") != "1":
        names, count = unreported_children(sheet)
        if count:
            return render(request, "reports/checks/confirm_report.html",
                          {"sheet": sheet, "names": names, "count": count, "version": request.POST.get("version", "")})
    try:
        checks.submit_sheet(request.user, sheet, version=posted_version(request))
    except TransitionError as exc:
        return _refused(request, exc, sheet)
    messages.success(request, "检查结果已报送上级组织单位。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def sheet_accept(request, pk):
    sheet = _sheet(request, pk)
    try:
        checks.accept_sheet(request.user, sheet, version=posted_version(request))
    except TransitionError as exc:
        return _refused(request, exc, sheet)
    messages.success(request, f"已审核通过“{sheet.unit_name}”的检查结果。")
    return redirect("checks:sheet", pk=sheet.pk)


@require_POST
def sheet_return(request, pk):
    sheet = _sheet(request, pk)
    try:
        checks.return_sheet(request.user, sheet, request.POST.get("reason", ""), version=posted_version(request))
    except TransitionError as exc:
        if exc.http_status == 400:
            messages.error(request, exc.message)
            return redirect("checks:sheet", pk=sheet.pk)
        return _refused(request, exc, sheet)
    messages.success(request, f"已退回“{sheet.unit_name}”的检查结果。")
    return redirect("checks:sheet", pk=sheet.pk)
