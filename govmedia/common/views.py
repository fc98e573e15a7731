from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .lists import REGISTRY, save_column_choice


@require_POST
def save_columns(request, table):
    """显示字段: remember the ticked columns of one list for this user."""
    spec = REGISTRY.get(table)
    if spec is None:
        raise Http404
    chosen = save_column_choice(request.user, table, request.POST.getlist("columns"), spec)
    if not chosen:
        messages.warning(request, "至少选择一个显示字段；已恢复默认字段。")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    return redirect(back)
