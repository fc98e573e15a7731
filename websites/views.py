"""Public 新增网站 and 查询进度; the org units' review list; the operator's home."""
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.common import masking, preflight as pf
from govmedia.common.captcha import captcha_field, needs_public_captcha
from govmedia.common.preflight import preflight
from govmedia.common.ratelimit import over_limit
from govmedia.fetch.addresses import warn_inside_urls
from orgtree.models import OrgUnit
from orgtree.selectors import ancestors_of
from reviews.buttons import posted_version
from reviews.engine import HANDLED, TransitionError

from . import services
from .forms import BASIC_FIELDS, BasicInfoForm, RejectForm, SiteStepOneForm, SiteStepTwoForm, TrackingForm
from .models import Filing, Website
from .selectors import websites_visible_to
from django.http import JsonResponse, QueryDict
from django.urls import reverse
from govmedia.common.lists import render_list, selected_ids
from jobs.exports import export_requested
from orgtree.selectors import cascade_options
from reviews.engine import journal_of
from .buttons import FLAG_TRANSITIONS, OFFLINE_ACTIONS, operator_buttons, org_buttons
from .forms import OtherDomainsForm
from .lists import WEBSITE_LIST
from .models import COLUMN_CATEGORIES
from .workflow import shown

SESSION = "website_application"
PUBLIC_LIMIT = 20  # applications or progress queries per address and hour


@require_GET
def apply_notice(request):
    """新增网站: read and 继续."""
    return render(request, "websites/apply_notice.html")


@never_cache
@require_http_methods(["GET", "POST"])
def apply_form(request):
    state = request.session.get(SESSION) or {}
    step = 2 if state.get("step_one") and request.GET.get("step") != "1" else 1
    org = OrgUnit.objects.filter(pk=state.get("org_unit_id")).first() if step == 2 else None
    existing = False
    if step == 1:
        form = SiteStepOneForm(request.POST if request.method == "POST" else None,
                               initial=state.get("step_one_form"))
        if needs_public_captcha(request, "apply"):
            form.fields["captcha"] = captcha_field()
        if request.method == "POST" and over_limit(request, "public:apply", PUBLIC_LIMIT):
            form.add_error(None, "提交过于频繁，请稍后再试。")
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            request.session[SESSION] = {"step_one": {"name": data["name"], "homepage": data["homepage"]},
                                        "org_unit_id": data["org_unit"].pk,
                                        "step_one_form": {"name": data["name"], "homepage": data["homepage"],
                                                          "org_code": data["org_code"]}}
            return redirect("websites:apply_form")
    else:
        form = SiteStepTwoForm(request.POST if request.method == "POST" else None, org_unit=org)
        if needs_public_captcha(request, "apply"):
            form.fields["captcha"] = captcha_field()
        # 一个单位最多开设一个网站 (manual 五.1): a warning, not a block (SPEC §10), about the
        # sponsoring unit (主办单位) — an org unit supervises many departments' sites. The applicant
        # confirms once and submits again. Public page: it says that the unit has a registered
        # site, never which, nor anything of applications under review (issue 19).
        if request.method == "POST" and form.is_valid():
            existing = services.sponsor_has_site(form.cleaned_data["sponsor"])
            if not existing or request.POST.get("confirm_second_site"):
                data = {**state["step_one"], **{k: v for k, v in form.cleaned_data.items() if k != "captcha"}, "org_unit": org}
                try:
                    site = services.apply(data, request.user)
                except TransitionError as exc:
                    form.add_error(None, exc.message)
                else:
                    request.session.pop(SESSION, None)
                    warn_inside_urls(request, data.get("homepage"), *(c.get("urls") for c in data.get("columns", {}).values()))
                    return render(request, "websites/apply_done.html", {"site": site})
    chain = ancestors_of(org, include_self=True)[1:] if org else []
    return render(request, "websites/apply_form.html", {"form": form, "step": step, "org": org, "chain": chain,
                                                         "step_one": state.get("step_one"), "existing": existing})


@require_GET
def org_lookup(request):
    """The form fills 省/部委 · 市/垂管省局 · 县/垂管分局 from the six-character code."""
    if over_limit(request, "public:lookup", PUBLIC_LIMIT):
        return JsonResponse({"found": False, "message": "查询过于频繁，请稍后再试。"}, status=429)
    unit = OrgUnit.objects.filter(code__iexact=request.GET.get("code", "").strip(), is_active=True).exclude(level=0).first()
    if unit is None:
        return JsonResponse({"found": False})
    names = [u.name for u in ancestors_of(unit, include_self=True)[1:]]
    return JsonResponse({"found": True, "levels": (names + ["", "", ""])[:3]})


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request):
    """查询进度 by 临时码: the status only (and, once, the codes)."""
    form = TrackingForm(request.POST if request.method == "POST" else None)
    if needs_public_captcha(request, "progress"):
        form.fields["captcha"] = captcha_field()
    answer = None
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "public:progress", PUBLIC_LIMIT):
            form.add_error(None, "查询过于频繁，请稍后再试。")
        else:
            answer = services.progress(form.cleaned_data["tracking_code"])
            if answer is None:
                form.add_error("tracking_code", "未查询到该临时码，请核对后重新输入。")
    response = render(request, "websites/progress.html", {"form": form, "answer": answer})
    response["Cache-Control"] = "no-store"
    return response


# --- org units ---------------------------------------------------------------------------------

def _listed(request):
    return websites_visible_to(request.user).select_related("org_unit", "reviewer")


@require_http_methods(["GET", "POST"])
def review_list(request):
    """政府网站和栏目基本信息表: the shared list (筛选查询, 显示字段, 导出), with the review buttons."""
    sites = _listed(request)
    export = export_requested(request, WEBSITE_LIST)
    if export is not None:
        return export
    chosen = [request.GET.get(f"org{level}", "") for level in (1, 2, 3)]
    return render_list(request, WEBSITE_LIST, sites, "websites/review_list.html", {
        "cascade": cascade_options(request.user.org_unit, chosen, request.user),
        "page_query": request.GET.urlencode(),
    }, page_context=lambda rows: services.page_actionable_rows(request.user, rows))


@preflight
@require_POST
def review_action(request, pk, action):
    site = get_object_or_404(websites_visible_to(request.user), pk=pk)
    data = {"result_label": "审核通过"}
    if action == "reject":
        form = RejectForm(request.POST)
        if not pf.valid(request, form):
            messages.error(request, "退回原因不能为空。")
            return redirect("websites:review_list")
        data = {"result_label": "审核未通过", "reason": form.cleaned_data["reason"]}
    elif action == "reject_change":
        form = RejectForm(request.POST)
        if not pf.valid(request, form):
            messages.error(request, "退回原因不能为空。")
            return redirect("websites:review_detail", pk=site.pk)
        data = {"result_label": "修改后审核未通过", "reason": form.cleaned_data["reason"]}
    elif action == "approve_change":
        data = {"result_label": "修改审核通过"}
    elif action not in ("submit", "approve"):
        return HttpResponseNotAllowed(["POST"])
    try:
        services.perform(site, action, request.user, data, expected_version=posted_version(request))
    except TransitionError as exc:
        pf.refuse(request, {"__all__": [exc.message]})
        messages.error(request, exc.message)
    else:
        pf.passed(request)
        messages.success(request, f"“{site.name}”：{services.WORKFLOW.get(action).label}。")
    return redirect("websites:review_list")


@require_POST
def review_all(request, action):
    """当页数据全部提交 / 当页数据全部审核 (the page confirmed the count first)."""
    if action not in ("submit", "approve"):
        return HttpResponseNotAllowed(["POST"])
    done, refused, skipped = services.act_on_page(request.user, action, selected_ids(request))
    messages.success(request, f"已{'提交' if action == 'submit' else '审核通过'} {done} 个网站。")
    if skipped:
        messages.warning(request, f"另有 {skipped} 个网站已被处理或状态已变化，未予处理。")
    for line in refused[:10]:
        messages.warning(request, line)
    query = QueryDict(request.POST.get("query", "")).urlencode()  # back to the same filtered page
    return redirect(reverse("websites:review_list") + (f"?{query}" if query else ""))


# --- website operators -------------------------------------------------------------------------

def _own_site(request) -> Website:
    return get_object_or_404(Website.objects.select_related("org_unit"), operator_user=request.user)


@require_GET
def site_home(request):
    site = _own_site(request)
    return render(request, "websites/site_home.html", {"site": site, "chain": ancestors_of(site.org_unit, include_self=True)[1:],
                                                        "buttons": operator_buttons(request, site),
                                                        "offline_rejection": services.last_offline_rejection(site)})


@preflight
@require_http_methods(["GET", "POST"])
def site_change(request):
    """基本信息修改: basic information and 栏目, waiting for the org unit's review."""
    site = _own_site(request)
    refusal = services.WORKFLOW.refusal(site, request.user, "request_change")
    if refusal is not None:
        messages.error(request, refusal.message if refusal.message != HANDLED else "当前申报状态不能修改（修改待审核期间请等待组织单位审核）。")
        return redirect("websites:site_home")
    initial = {name: (site.pending_changes or {}).get(name, getattr(site, name)) for name in BASIC_FIELDS}
    initial["sponsor_filer_unit"] = (site.pending_changes or {}).get("sponsor_filer_unit_id", site.sponsor_filer_unit_id)
    form = BasicInfoForm(request.POST if request.method == "POST" else None, initial=initial, site=site)
    if request.method == "POST" and pf.valid(request, form):
        try:
            services.perform(site, "request_change", request.user, form.changes(), expected_version=site.version)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "修改已提交，待组织单位审核通过后生效。")
            changes = form.changes()
            warn_inside_urls(request, changes.get("homepage"), *(c.get("urls") for c in changes["columns"].values()))
            return redirect("websites:site_home")
    return render(request, "websites/site_change.html", {"form": form, "site": site})


@require_http_methods(["GET", "POST"])
def site_domains(request):
    """维护/添加其他域名 (manual 四 2.6): effective at once, journaled (docs/decisions/0022-website-rules.md)."""
    site = _own_site(request)
    refusal = services.WORKFLOW.refusal(site, request.user, "maintain_domains")
    if refusal is not None:
        messages.error(request, refusal.message if refusal.message != HANDLED else "当前申报状态不能维护其他域名。")
        return redirect("websites:site_home")
    form = OtherDomainsForm(request.POST if request.method == "POST" else None, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.perform(site, "maintain_domains", request.user, {"other_domains": form.cleaned_data["domains"]},
                             expected_version=posted_version(request))
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "其他域名已保存。")
            return redirect("websites:site_home")
    return render(request, "websites/site_domains.html", {"form": form, "site": site})


@require_POST
def site_flag(request, which):
    """申请门户网站 / 取消门户网站 / 政务服务平台 / 取消: each its own transition, reviewed as a
    basic-information change (SPEC §10)."""
    site = _own_site(request)
    if which not in FLAG_TRANSITIONS:
        return HttpResponseNotAllowed(["POST"])
    try:
        services.perform(site, FLAG_TRANSITIONS[which], request.user, {}, expected_version=posted_version(request))
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申请已提交，待组织单位审核。")
    return redirect("websites:site_home")


@require_GET
def site_journal(request, pk=None):
    """查看审核流水: the site's journal (its operator, or an org unit above it)."""
    site = _own_site(request) if pk is None else get_object_or_404(websites_visible_to(request.user), pk=pk)
    entries = masking.journal_shown(request, site, journal_of("website", site.pk), site.org_unit_id, what="审核流水")
    return render(request, "websites/journal.html", {"site": site, "entries": entries})


CONTACTS = ["head_mobile", "head_email", "contact_mobile", "contact_email"]


@require_GET
def review_detail(request, pk):
    """查看: the site and, while a change waits, each proposed value beside the current one."""
    site = get_object_or_404(websites_visible_to(request.user).select_related("org_unit"), pk=pk)

    pending = site.pending_changes if site.filing == Filing.MODIFYING else {}  # a rejected change is history
    changes = [{"field": k, "label": str(Website._meta.get_field(k).verbose_name), "old": shown(k, getattr(site, k)),
                "new": shown(k, v)} for k, v in pending.items() if k != "columns"]
    masking.show_contacts(request, site, CONTACTS, site.org_unit_id, what="政府网站查看", changes=changes)
    column_changes = []
    if "columns" in pending:
        for category, value in site.pending_changes["columns"].items():
            old = site.columns.get(category, {})
            if old != value:
                column_changes.append({"category": category, "old": old, "new": value})

    chain = ancestors_of(site.org_unit, include_self=True)[1:]
    return render(request, "websites/review_detail.html", {
        "site": site, "changes": changes, "column_changes": column_changes, "buttons": org_buttons(request, site),
        "levels": list(zip(["省/部委", "市/垂管省局", "县/垂管分局"], ([u.name for u in chain] + ["", "", ""])[:3])),
        "columns": [(category, site.columns.get(category)) for category in COLUMN_CATEGORIES],
        "offline_rejection": services.last_offline_rejection(site)})


@require_POST
def reset_verification(request, pk):
    """重置校验码 (an org unit above the site, after a confirmation): the new code is shown once,
    here, never stored readable; the old one stops working at once."""
    site = get_object_or_404(websites_visible_to(request.user), pk=pk)
    try:
        code = services.reset_verification(site, request.user)
    except TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("websites:review_detail", pk=site.pk)
    # POST-redirect-GET: a reload of the result page must never reset again (issue 30). The code
    # waits in this login's server-side session for the one GET that shows it, then is gone.
    request.session[_RESET_KEY.format(site.pk)] = code
    return redirect("websites:verification_shown", pk=site.pk)


_RESET_KEY = "verification_reset:{}"


@require_GET
def verification_shown(request, pk):
    """The new 校验码, shown once after 重置校验码; a reload says it was shown and resets nothing."""
    site = get_object_or_404(websites_visible_to(request.user), pk=pk)
    code = request.session.pop(_RESET_KEY.format(site.pk), None)
    response = render(request, "websites/verification_reset.html", {"site": site, "code": code})
    response["Cache-Control"] = "no-store"
    return response


# --- 下线 -------------------------------------------------------------------------------------

from .offline import OFFLINE_REASON_LIMIT, OFFLINE_WORKFLOW, RUN_WORKFLOW, parse_date  # noqa: E402


@preflight
@require_http_methods(["GET", "POST"])
def site_offline(request):
    """下线申请 (operator): temporary with dates, or permanent."""
    site = _own_site(request)
    error = None
    if request.method == "POST":
        data = {"kind": request.POST.get("kind"), "offline_from": parse_date(request.POST.get("offline_from")),
                "offline_until": parse_date(request.POST.get("offline_until")), "reason": request.POST.get("reason", "")}
        try:
            OFFLINE_WORKFLOW.apply(site, "request_offline", request.user, data, expected_version=site.version)
        except TransitionError as exc:
            pf.refuse(request, {"__all__": [exc.message]})
            error = exc.message
        else:
            pf.passed(request)  # a preflight: the engine accepted it, and all it wrote is rolled back
            messages.success(request, "下线申请已提交，待组织单位逐级审核。")
            return redirect("websites:site_home")
    # on an error the form comes back as the operator filled it (nothing lost)
    return render(request, "websites/site_offline.html", {"site": site, "error": error, "posted": request.POST,
                                                          "limit": OFFLINE_REASON_LIMIT})


@require_POST
def site_complete_offline(request):
    site = _own_site(request)
    try:
        RUN_WORKFLOW.apply(site, "complete_offline", request.user, {}, expected_version=posted_version(request))
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "网站已永久下线。")
    return redirect("websites:site_home")


@preflight
@require_POST
def offline_action(request, pk, action):
    """下线审核 (同意/驳回), 紧急下线 and 恢复正常, by org units in the chain."""
    if action not in OFFLINE_ACTIONS:
        return HttpResponseNotAllowed(["POST"])
    site = get_object_or_404(websites_visible_to(request.user), pk=pk)
    data = {"reason": request.POST.get("reason", ""), "offline_until": parse_date(request.POST.get("offline_until"))}
    try:
        done = services.offline_action(site, action, request.user, data, expected_version=posted_version(request))
    except TransitionError as exc:
        pf.refuse(request, {"__all__": [exc.message]})
        messages.error(request, exc.message)
    else:
        pf.passed(request)
        messages.success(request, f"“{site.name}”：{done.label}。")
    return redirect("websites:review_detail", pk=site.pk)
