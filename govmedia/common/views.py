from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .lists import REGISTRY, save_column_choice
from .redirects import safe_next


@require_POST
def save_columns(request, table):
    """显示字段: remember the ticked columns of one list for this user."""
    spec = REGISTRY.get(table)
    if spec is None:
        raise Http404
    chosen = save_column_choice(request.user, table, request.POST.getlist("columns"), spec)
    if not chosen:
        messages.warning(request, "至少选择一个显示字段；已恢复默认字段。")
    return redirect(safe_next(request, request.POST.get("next")) or "/")
