"""【上报抽查情况】 (L1 units report, GB reads) and the GB overview of a quarter."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from django.urls import reverse

from govmedia.roles import Role
from accounts_media.selectors import accounts_visible_to
from govmedia.common.uploads import UploadError, read_xlsx_upload
from govmedia.common.lists import render_list
from govmedia.common.xlsx import workbook_bytes, xlsx_download
from jobs.exports import export_requested, serve_list
from reviews.buttons import posted_version, refused, render_buttons
from reviews.engine import TransitionError

from . import items_excel, services
from .forms import HeaderForm, ItemForm, NewReportForm
from .models import PROBLEMS, SpotCheckReport, pass_rate, problems_for
from .lists import OVERVIEW_LIST, REPORT_LIST, period, unit_rate
from .selectors import reports_visible_to
from .workflow import REPORT_WORKFLOW, submit_report
from .check_services import fill_report_from_checks
from websites.selectors import websites_visible_to


def _report(request, pk) -> SpotCheckReport:
    """A report the user may read; any other id (another unit's, or none) is refused alike."""
    report = reports_visible_to(request.user).filter(pk=pk).first()
    if report is None:
        raise PermissionDenied("您没有访问该报告的权限。")
    return report


def _own_draft(request, pk) -> SpotCheckReport:
    report = _report(request, pk)
    if report.org_unit_id != request.user.org_unit_id:
        raise PermissionDenied("只有报告单位可以修改报告。")
    return report


@require_http_methods(["GET", "POST"])
def report_list(request):
    if request.user.role == Role.GB:
        return redirect("reports:overview")
    return serve_list(request, REPORT_LIST, "reports/list.html", {"form": NewReportForm()})


@require_POST
def report_create(request):
    form = NewReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("reports:list")
    try:
        report = services.create_report(request.user, form.cleaned_data["kind"], form.cleaned_data["year"],
                                        form.cleaned_data["quarter"])
    except services.ReportError as exc:
        messages.error(request, exc.message)
        return redirect("reports:list")
    return redirect("reports:detail", pk=report.pk)


@require_GET
def report_detail(request, pk):
    report = _report(request, pk)
    editable = not report.is_submitted and report.org_unit_id == request.user.org_unit_id
    header = HeaderForm(initial={"filler_name": report.filler_name, "filler_phone": report.filler_phone,
                                 "checked_count": report.checked_count, "failed_count": report.failed_count})
    return render(request, "reports/detail.html", {
        "report": report, "items": report.items.select_related("website"), "editable": editable, "header": header,
        "item_form": ItemForm(), "problems": problems_for(report.kind == SpotCheckReport.Kind.WEBSITE),
        "submit_button": render_buttons(request, REPORT_WORKFLOW, report, lambda t, r: reverse("reports:submit", args=[r.pk]),
                                        explain=["report_submit"]),
    })


@require_POST
def report_header(request, pk):
    report = _own_draft(request, pk)
    form = HeaderForm(request.POST)
    if form.is_valid():
        try:
            services.update_report(report, **form.cleaned_data)
        except services.ReportError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存。")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("reports:detail", pk=report.pk)


def _subjects(request, report):
    """What a report's rows may be about: the unit's accounts (新媒体) or websites (网站), by code."""
    if report.kind == SpotCheckReport.Kind.WEBSITE:
        return websites_visible_to(request.user).exclude(site_code=None), "site_code"
    return accounts_visible_to(request.user).exclude(media_code=None), "media_code"


@require_POST
def report_from_checks(request, pk):
    """按下级检查结果汇总: the counts from the subtree's reported 检查结果信息表 (still editable by hand)."""
    report = _own_draft(request, pk)
    try:
        report = fill_report_from_checks(report)
    except services.ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已按下级报送的检查结果汇总：抽查 {report.checked_count}，不合格 {report.failed_count}。")
    return redirect("reports:detail", pk=report.pk)


@require_POST
def item_add(request, pk):
    report = _own_draft(request, pk)
    form = ItemForm(request.POST, website=report.kind == SpotCheckReport.Kind.WEBSITE)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("reports:detail", pk=report.pk)
    subjects, code_field = _subjects(request, report)
    account = subjects.filter(**{f"{code_field}__iexact": form.cleaned_data["account"].strip()}).first()
    if account is None:
        messages.error(request, "请从本单位管理范围内已报送的新媒体账号或网站中选择（输入标识码）。")
        return redirect("reports:detail", pk=report.pk)
    try:
        services.add_item(report, account, passed=form.cleaned_data["passed"], problems=form.cleaned_data["problems"],
                          problem_other=form.cleaned_data["problem_other"],
                          rectification=form.cleaned_data["rectification"])
    except services.ReportError as exc:
        messages.error(request, exc.message)
    return redirect("reports:detail", pk=report.pk)


@require_POST
def item_delete(request, pk, item_id):
    report = _own_draft(request, pk)
    try:
        services.delete_item(report, item_id)
    except services.ReportError as exc:
        messages.error(request, exc.message)
    return redirect("reports:detail", pk=report.pk)


@require_GET
def account_search(request):
    """账号选择: accounts (or websites, ?kind=website) of the unit's scope by name or code."""
    q = request.GET.get("q", "").strip()
    if len(q) < 2:
        return JsonResponse({"accounts": []})
    if request.GET.get("kind") == "website":
        sites = websites_visible_to(request.user).exclude(site_code=None)
        sites = sites.filter(site_code__istartswith=q) if q[:1].isdigit() or q[:2].lower() == "bm" else sites.filter(name__icontains=q)
        return JsonResponse({"accounts": [{"code": s.site_code, "name": s.name, "type": "政府网站"}
                                          for s in sites.order_by("site_code")[:20]]})
    qs = accounts_visible_to(request.user).exclude(media_code=None)
    qs = qs.filter(media_code__istartswith=q) if q[:6].isalnum() and any(c.isdigit() for c in q[:6]) else qs.filter(name__icontains=q)
    return JsonResponse({"accounts": [{"code": a.media_code, "name": a.name, "type": a.type_display}
                                      for a in qs.order_by("media_code")[:20]]})


@require_POST
def items_import(request, pk):
    report = _own_draft(request, pk)
    try:
        content = read_xlsx_upload(request.FILES.get("file"))
    except UploadError as exc:
        messages.error(request, exc.message)
        return redirect("reports:detail", pk=report.pk)
    subjects, code_field = _subjects(request, report)
    result = items_excel.parse_items(content, subjects, already=set(report.items.values_list("media_code", flat=True)),
                                     code_field=code_field, website=items_excel.is_website_report(report))
    if not result.ok:
        request.session["report_import_errors"] = result.errors[:5000]
        return render(request, "reports/import_errors.html", {"report": report, "refusal": result.message,
                                                               "errors": result.errors[:200],
                                                               "error_count": len(result.errors)}, status=400)
    try:
        count = services.add_items(report, result.rows)
    except services.ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已导入 {count} 条检查结果。")
    return redirect("reports:detail", pk=report.pk)


@require_GET
def items_import_errors(request, pk):
    _own_draft(request, pk)
    errors = request.session.get("report_import_errors") or []
    return xlsx_download(workbook_bytes([{"title": "错误详情", "headers": ["行数", "列", "错误信息"], "rows": errors,
                                  "widths": [8, 24, 80]}]), "检查结果导入错误详情.xlsx")


@require_GET
def items_export(request, pk):
    report = _report(request, pk)
    return xlsx_download(items_excel.export_items(report), f"检查结果信息表-{report.org_unit.name}-{report.year}Q{report.quarter}.xlsx")


@require_GET
def items_template(request, pk):
    return xlsx_download(items_excel.template(_own_draft(request, pk)), "检查结果信息表模板.xlsx")


@require_POST
def document_upload(request, pk):
    report = _own_draft(request, pk)
    try:
        services.attach_document(report, request.FILES.get("document"))
    except (services.ReportError, UploadError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "季度报告已上传。")
    return redirect("reports:detail", pk=report.pk)


@require_GET
def document_download(request, pk):
    """Only GB and the reporting unit: through this view, never a public media URL."""
    report = _report(request, pk)
    if not report.document or not services.may_read_report(request.user, report):
        raise Http404
    return FileResponse(default_storage.open(report.document.name, "rb"), as_attachment=True,
                        filename=report.document_name or report.document.name.rsplit("/", 1)[-1])


@require_POST
def report_submit(request, pk):
    report = _own_draft(request, pk)
    try:
        submit_report(report, request.user, posted_version(request))
    except TransitionError as exc:
        return refused(request, exc, reverse("reports:detail", args=[report.pk]), "返回报告")
    messages.success(request, "已提交，报告不可再修改。")
    return redirect("reports:detail", pk=report.pk)


@require_GET
def guide(request):
    return render(request, "reports/guide.html", {"problems": PROBLEMS})


@require_http_methods(["GET", "POST"])
def overview(request):
    """GB: every L1 unit's report for a quarter, who has not submitted, pass rates by unit and quarter."""
    export = export_requested(request, OVERVIEW_LIST)
    if export is not None:
        return export
    listed, _ = OVERVIEW_LIST.querysets(request)
    year, quarter, kind = period(request.GET)
    units = list(listed.order_by("-kind", "code"))  # the L1 units: a bounded list (provinces, ministries)
    submitted = [u for u in units if u.report_status == SpotCheckReport.Status.SUBMITTED]
    totals = (sum(u.checked for u in submitted), sum(u.failed for u in submitted))
    chart = {"labels": [u.name for u in submitted], "rates": [float(unit_rate(u) or 0) for u in submitted],
             "label": "合格率(%)", "max": 100}
    return render_list(request, OVERVIEW_LIST, listed, "reports/overview.html", {
        "year": year, "quarter": quarter, "kind": kind, "unit_count": len(units),
        "missing": [u for u in units if u.report_status != SpotCheckReport.Status.SUBMITTED], "chart": chart,
        "submitted_count": len(submitted), "total_rate": pass_rate(*totals), "totals": totals,
    })
