"""消息中心 (list, mark read, mark all read) and 消息提醒设置 (用户设置)."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.common.redirects import safe_next

from . import services
from .kinds import CHANNELS, KINDS
from govmedia.common.lists import render_list
from .lists import NOTIFICATION_LIST


@require_GET
def center(request):
    unread_only = request.GET.get("tab") == "unread"
    rows = services.visible_to(request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    without_tab = request.GET.copy()
    for key in ("tab", "page"):
        without_tab.pop(key, None)
    return render_list(request, NOTIFICATION_LIST, rows, "notifications/center.html", {
        "unread_only": unread_only, "unread": services.unread_count(request.user),
        "query_without_tab": without_tab.urlencode(), "missing_contact": services.missing_contact(request.user),
        "tab": {"key": "unread"} if unread_only else None})


@require_POST
def read(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    services.mark_read(request.user, ids)
    return redirect(_back(request))


@require_POST
def read_all(request):
    done = services.mark_all_read(request.user)
    messages.success(request, f"已将 {done} 条消息标为已读。")
    return redirect(_back(request))


@require_POST
def open_link(request, pk):
    """Open a notification: marked read, then to the page it points to (ours only)."""
    notification = get_object_or_404(services.visible_to(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    link = notification.link
    return redirect(link if link.startswith("/") and safe_next(request, link) else "notifications:center")


def _back(request) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/") and safe_next(request, nxt) else "notifications:center"


@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        chosen = {key: set(request.POST.getlist(f"kind_{key}")) for key in KINDS}
        services.save_preferences(request.user, chosen)
        messages.success(request, "消息提醒设置已保存。")
        return redirect("notifications:preferences")
    current = services.preferences(request.user)
    mobile, email = services.contact_of(request.user)
    rows = [{"kind": kind, "cells": [{"channel": c, "label": label, "checked": c in current[key]}
                                     for c, label in CHANNELS.items()]} for key, kind in KINDS.items()]
    return render(request, "notifications/preferences.html", {"rows": rows, "channels": CHANNELS, "mobile": mobile,
                                                               "email": email})
