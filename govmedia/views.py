from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from .navigation import menu_for
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from orgtree.selectors import children_of, unit_in_scope
from .ops.logs import request_id_var


@require_GET
def home(request):
    """After login: the first menu of the user's role."""
    items = menu_for(request.user)
    return redirect(items[0].url_name if items else "accounts:settings")


@require_GET
def org_children(request):
    """The org cascade (省/部 → 市/省局 → 区县/地方部门): children of a unit inside the viewer's scope."""
    parent = unit_in_scope(request.user.org_unit, request.GET.get("parent", ""))
    if parent is None:
        return JsonResponse({"units": []})
    return JsonResponse({"units": [{"code": u.code, "name": u.name} for u in children_of(parent).filter(is_active=True)]})


def server_error(request):
    """The 500 page with the request id (also in the log line and the X-Request-ID header) as a
    reference the user can quote to support. Rendered without context processors or the
    database: whatever failed may fail again."""
    reference = getattr(request, "request_id", "") or request_id_var.get()
    return HttpResponseServerError(loader.get_template("500.html").render({"request_id": reference}))
