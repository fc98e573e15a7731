"""监测发现: the org units' list, and 转入检查结果信息表 (POST) for the unit that fills the sheet."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from govmedia.common.lists import open_closed_tabs, render_list
from govmedia.common.redirects import safe_next
from jobs.exports import export_requested
from reports.services import ReportError

from . import selectors, services
from .lists import FINDING_LIST, VERDICT_LIST
from .selectors import findings_visible_to


@require_http_methods(["GET", "POST"])
def findings(request):
    export = export_requested(request, FINDING_LIST)
    if export is not None:
        return export
    listed, visible = FINDING_LIST.querysets(request)
    tabs = open_closed_tabs(request, visible, (("open", "待核查"), ("closed", "已恢复"), ("all", "全部")))
    return render_list(request, FINDING_LIST, listed, "monitoring/findings.html",
                       {"state_tabs": tabs, "monitoring_state": selectors.monitoring_state()})


@require_http_methods(["GET", "POST"])
def verdicts(request):
    """检查指标监测结果: objects failing the inspection indicators, per quarter, with evidence."""
    export = export_requested(request, VERDICT_LIST)
    if export is not None:
        return export
    listed, _ = VERDICT_LIST.querysets(request)
    return render_list(request, VERDICT_LIST, listed, "monitoring/verdicts.html")


@require_POST
def to_sheet(request, pk):
    finding = get_object_or_404(findings_visible_to(request.user).select_related("account", "website"), pk=pk)
    try:
        item = services.to_sheet_row(request.user, finding)
    except ReportError as exc:
        messages.error(request, exc.message)
        back = safe_next(request, request.POST.get("next"))
        if back:
            return redirect(back)  # the page the button was on (检查任务, 新媒体账号信息 …)
        if request.user.org_unit_id:
            return redirect("monitoring:findings")
        return redirect("media:detail", pk=finding.account_id) if finding.account_id else redirect("checks:home")
    messages.success(request, f"“{finding.subject_name}”已转入检查结果信息表（{finding.label}），请填写整改情况后保存。")
    return redirect("checks:sheet", pk=item.sheet_id)
