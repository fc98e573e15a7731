"""举报仿冒账号, the org units' pages: the list (tabs by state) and one item with the buttons
the transition table allows (reviews.buttons)."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from govmedia.common import masking
from govmedia.common.lists import render_list
from jobs.exports import export_requested
from reviews.buttons import posted_version, render_buttons
from reviews.engine import TransitionError
from reviews.engine import journal_of

from . import imitation
from .imitation_lists import IMITATION_LIST, reports_visible_to, tab_counts


@require_http_methods(["GET", "POST"])
def reports(request):
    export = export_requested(request, IMITATION_LIST)
    if export is not None:
        return export
    listed, _ = IMITATION_LIST.querysets(request)
    return render_list(request, IMITATION_LIST, listed, "verify/imitation_list.html", {"tabs": tab_counts(request)})


def detail(request, pk):
    item = get_object_or_404(reports_visible_to(request.user).select_related("org_unit"), pk=pk)
    buttons = render_buttons(request, imitation.WORKFLOW, item,
                             lambda t, obj: reverse("imitation:act", args=[obj.pk, t.name]))
    masking.show_contacts(request, item, ["contact"], item.org_unit_id, what="举报仿冒账号（查看）")
    history = masking.journal_shown(request, None, journal_of(imitation.SUBJECT_TYPE, item.pk).order_by("at", "id"),
                                    item.org_unit_id)  # the reveal above names the row
    return render(request, "verify/imitation_detail.html", {"item": item, "buttons": buttons, "history": history})


@require_POST
def act(request, pk, action):
    item = get_object_or_404(reports_visible_to(request.user), pk=pk)
    try:
        imitation.settle(item, action, request.user, request.POST.get("reason", "").strip(),
                         expected_version=posted_version(request))
    except TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("imitation:detail", pk=pk)
    messages.success(request, f"已{imitation.WORKFLOW.get(action).label}。")
    return redirect("imitation:detail", pk=pk)
