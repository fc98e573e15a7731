"""数据看板 (the panels of the viewer's subtree) and 超期待审核 (the waiting requests' list)."""
from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from govmedia.common.lists import render_list
from govmedia.common.xlsx import workbook_bytes, xlsx_download
from jobs.exports import export_requested

from .ageing import ageing_days
from .lists import SPECS, TABS, tab_of
from .panels import Viewer, panels_for


@require_GET
def home(request):
    from django.shortcuts import render

    now = timezone.now()
    viewer = Viewer(request.user, now)
    wanted = request.GET.get("export", "")
    panels = panels_for(request.user)
    if wanted:
        chosen = [p for p in panels if wanted in (p.key, "all")]
        if not chosen:
            raise Http404
        sheets = []
        for p in chosen:
            table = p.build(viewer)
            sheets.append({"title": p.title[:31].replace("（", "(").replace("）", ")"), "headers": table.headers,
                           "rows": table.rows, "widths": [28] + [14] * (len(table.headers) - 1)})
        name = "数据看板" if wanted == "all" else chosen[0].title
        return xlsx_download(workbook_bytes(sheets), f"{name}-{timezone.localdate(now):%Y%m%d}.xlsx")
    shown = []
    for p in panels:
        table = p.build(viewer)
        shown.append({"panel": p, "table": table, "chart": table.chart(p.chart, p.stacked),
                      "rows": [{"label": row[0], "cells": list(zip(row[1:], table.links[i] if i < len(table.links)
                                                                    else [""] * (len(row) - 1)))}
                               for i, row in enumerate(table.rows)]})
    return render(request, "dashboard/home.html", {"shown": shown, "viewer": request.user.org_unit,
                                                   "ageing_days": ageing_days()})


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
        "query_rest": query.urlencode(), "sources": [("media", "新媒体账号"), ("website", "政府网站")]})
