"""数据看板 (the panels of the viewer's subtree) and 超期待审核 (the waiting requests' list)."""
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from govmedia.common.lists import render_list
from govmedia.common.xlsx import workbook_bytes, xlsx_download
from jobs.exports import export_requested

from .ageing import SOURCES, ageing_days
from .lists import SPECS, TABS, tab_of
from .panels import Viewer, export_sheets, page_panels
from .headline import headline


@require_GET
def home(request):
    viewer = Viewer(request.user, timezone.now())
    wanted = request.GET.get("export", "")
    if wanted:
        sheets = export_sheets(viewer, wanted)
        if not sheets:
            raise Http404
        name = "数据看板" if wanted == "all" else sheets[0]["title"]
        return xlsx_download(workbook_bytes(sheets), f"{name}-{timezone.localdate(viewer.now):%Y%m%d}.xlsx")

    return render(request, "dashboard/home.html", {"shown": page_panels(viewer), "viewer": request.user.org_unit,
                                                   "ageing_days": ageing_days(), "headline": headline(request.user)})


@require_http_methods(["GET", "POST"])
def overdue(request):
    source = request.GET.get("source", "media")
    spec = SPECS.get(source)
    if spec is None:
        raise Http404
    export = export_requested(request, spec)
    if export is not None:
        return export
    listed, _ = spec.querysets(request)
    query = request.GET.copy()
    for key in ("tab", "page", "export", "source"):
        query.pop(key, None)
    return render_list(request, spec, listed, "dashboard/overdue.html", {
        "tabs": TABS, "tab": {"key": tab_of(request)}, "source": source, "ageing_days": ageing_days(),
        "query_rest": query.urlencode(), "sources": [(s.key, s.label) for s in SOURCES]})
