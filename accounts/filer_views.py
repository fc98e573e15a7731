"""【填报单位用户管理】 for org units: list, export, 查看, add (L1), reset password, rename, delete."""
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.common import masking
from govmedia.common.lists import render_list
from jobs.exports import export_requested
from reviews.buttons import posted_version, refused
from reviews.engine import TransitionError

from orgtree.selectors import cascade_options

from . import crypto
from . import filer_services as rules
from .filer_workflow import delete_filer_unit
from .filer_forms import DeleteFilerForm, FilerAddForm, RenameFilerForm, tier_choices
from .filer_counts import total_for
from .filer_lists import FILER_UNIT_LIST
from .selectors import filer_units_visible_to


def _visible(request):
    return filer_units_visible_to(request.user).select_related("org_unit", "user")


@never_cache  # the page may show initial passwords
@require_http_methods(["GET", "POST"])
def filer_list(request):
    qs = filer_units_visible_to(request.user)  # (FILER_UNIT_LIST.page_columns: what a page reads of each row)
    export = export_requested(request, FILER_UNIT_LIST)
    if export is not None:
        return export
    chosen = [request.GET.get(f"org{level}", "") for level in (1, 2, 3)]
    return render_list(request, FILER_UNIT_LIST, qs, "accounts/filer_list.html", {
        "cascade": cascade_options(request.user.org_unit, chosen, request.user),
        "can_add": request.user.org_unit.level == 1,  # (the 删除 dialog's reason field is in the template)
    }, unfiltered_count=lambda: total_for(request.user, qs.count))


@require_GET
def filer_detail(request, pk):
    """查看: a filer unit of the user's subtree; phones by the lists' rule (in full for the org unit
    directly above it, journaled; masked further up)."""
    filer = get_object_or_404(_visible(request), pk=pk)
    masking.show_contacts(request, filer, ["head_mobile", "contact_mobile"], filer.org_unit_id, what="填报单位查看")
    return render(request, "accounts/filer_detail.html", {"filer": filer})


@require_http_methods(["GET", "POST"])
def filer_add(request):
    org = request.user.org_unit
    form = FilerAddForm(request.POST if request.method == "POST" else None, org=org, attachable=lambda tier: rules.attachable_units(request.user, tier))
    if request.method == "POST" and form.is_valid():
        try:
            filer, _password = rules.create_filer_unit(request.user, form.cleaned_data["org_unit"], form.cleaned_data["name"])
        except rules.FilerUnitError as exc:
            form.add_error("name", str(exc))
        else:
            return redirect("filer_units:created", pk=filer.pk)
    return render(request, "accounts/filer_add.html", {"form": form, "tiers": tier_choices(org)})


@require_GET
def filer_attachable(request):
    """The org units of one tier for the add dialog (JSON), inside the L1 unit's subtree."""
    try:
        tier = int(request.GET.get("tier", ""))
    except ValueError:
        return JsonResponse({"units": []})
    if tier not in (1, 2, 3):
        return JsonResponse({"units": []})
    units = rules.attachable_units(request.user, tier).order_by("path").values_list("code", "name")[:2000]
    return JsonResponse({"units": [{"code": c, "name": n} for c, n in units]})


@never_cache
@require_GET
def filer_created(request, pk):
    filer = get_object_or_404(_visible(request), pk=pk)
    revealed = rules.reveal_initial_password(filer.user)
    return render(request, "accounts/filer_created.html", {
        "filer": filer, "password": revealed.plain,
        "password_state": crypto.key_changed_message() if revealed.key_changed else "已修改"})


@require_POST
def filer_reset_password(request, pk):
    filer = get_object_or_404(_visible(request), pk=pk)
    try:
        password = rules.reset_password(request.user, filer)
    except rules.FilerUnitError as exc:
        messages.error(request, str(exc))
        return redirect("filer_units:list")
    response = render(request, "accounts/filer_password_reset.html", {"filer": filer, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def filer_rename(request, pk):
    filer = get_object_or_404(_visible(request), pk=pk)
    form = RenameFilerForm(request.POST if request.method == "POST" else None, initial={"name": filer.name})
    if request.method == "POST" and form.is_valid():
        try:
            rules.rename_filer_unit(request.user, filer, form.cleaned_data["name"])
        except rules.FilerUnitError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, "填报单位全称已修改。")
            return redirect("filer_units:list")
    return render(request, "accounts/filer_rename.html", {"form": form, "filer": filer})


@require_POST
def filer_delete(request, pk):
    filer = get_object_or_404(_visible(request), pk=pk)
    form = DeleteFilerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("filer_units:list")
    try:
        delete_filer_unit(request.user, filer, form.cleaned_data["reason"], posted_version(request))
    except TransitionError as exc:
        if exc.http_status != 400:
            return refused(request, exc, reverse("filer_units:list"), "返回填报单位列表")
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除填报单位“{filer.name}”（{filer.code}）。")
    return redirect("filer_units:list")
