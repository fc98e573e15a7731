from django.views.decorators.http import require_http_methods

from jobs.exports import serve_list

from .lists import ORG_LOG_LIST


@require_http_methods(["GET", "POST"])
def org_log(request):
    """操作日志: the journal of the filer units and org units of the viewer's subtree, newest first."""
    return serve_list(request, ORG_LOG_LIST, "reviews/org_log.html")
