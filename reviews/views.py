from django.views.decorators.http import require_http_methods

from govmedia.common.lists import render_list
from jobs.exports import export_requested

from .lists import ORG_LOG_LIST


@require_http_methods(["GET", "POST"])
def org_log(request):
    """操作日志: the journal of the filer units and org units of the viewer's subtree, newest first."""
    export = export_requested(request, ORG_LOG_LIST)
    if export is not None:
        return export
    listed, _ = ORG_LOG_LIST.querysets(request)
    return render_list(request, ORG_LOG_LIST, listed, "reviews/org_log.html")
