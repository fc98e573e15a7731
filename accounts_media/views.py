"""【新媒体账号信息】: list, 添加账号, 查看, 流水, and one page per transition of the workflow.
Views parse the request, call the service (which applies the declared transition), render."""
from django.contrib import messages
from django.http import QueryDict
from django.urls import reverse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from govmedia.roles import Role
from govmedia.common import masking, preflight as pf
from govmedia.common.preflight import preflight
from govmedia.common.lists import render_list
from jobs.exports import export_requested
from govmedia.fetch.addresses import warn_inside_urls
from orgtree.selectors import cascade_options
from reviews.buttons import refused
from reviews.engine import AlreadyHandled, NotAllowed, TransitionError, journal_of

from . import services
from .bulk import LIMIT as BULK_LIMIT, remember_reviewer, remembered_reviewer
from .buttons import detail_buttons, rejection_buttons
from .chain import chain_of
from .forms import AccountForm, CloseForm, DeleteAccountForm, RestoreForm, ReviewForm
from .counts import counts_for
from .lists import MEDIA_LIST, contacts_shown, tab_rows
from .models import REJECTED
from .selectors import accounts_visible_to
from .tabs import current_tab, tab_counts, tabs_for, tabs_html
from .workflow import REVIEWS, WORKFLOW
from .guide import ENTRIES, REFUSED
from .platforms import TYPE_BY_CODE
from .workflow import change_list
from .buttons import REJECTION


def _account(request, pk, include_removed=False):
    qs = accounts_visible_to(request.user, include_removed).select_related("filer_unit", "filer_unit__org_unit", "reviewer")
    return get_object_or_404(qs, pk=pk)


def _refused(request, exc: TransitionError, account=None):
    return refused(request, exc, reverse("media:list"), "返回列表",
                   reverse("media:detail", args=[account.pk]) if account else "", "查看账号当前状态")


def _require(request, account, *names):
    """The first of `names` the user may apply now, or the refusal: 403 when this user may never
    do it, 409 with the state's own message when the state moved on (a stale tab)."""
    for name in names:
        if WORKFLOW.can(account, request.user, name):
            return name, None
    refusals = [WORKFLOW.refusal(account, request.user, name) for name in names]
    # Prefer the state's message: the user may act on this account, just not in this state.
    exc = next((r for r in refusals if not isinstance(r, NotAllowed)), refusals[0])
    return None, _refused(request, exc, account)


@require_http_methods(["GET", "POST"])
def media_list(request):
    def base():  # built only when read (a list opened plainly reads its first page and counts without it)
        return accounts_visible_to(request.user).select_related("filer_unit")

    tabs = tabs_for(request.user)
    tab = current_tab(request, tabs)
    export = export_requested(request, MEDIA_LIST)
    if export is not None:
        return export
    counts = counts_for(request.user, lambda: tab_counts(base(), tabs))
    context = {"tabs": tabs, "tab": tab, "counts": counts, "is_filer": request.user.kind == User.Kind.FILER,
               "tabs_html": tabs_html(tabs, tab, counts, request.GET), "bulk_limit": BULK_LIMIT}
    if request.user.kind == User.Kind.ORG:
        chosen = [request.GET.get(f"org{level}", "") for level in (1, 2, 3)]
        context["cascade"] = cascade_options(request.user.org_unit, chosen, request.user)
    return render_list(request, MEDIA_LIST, lambda: tab_rows(base(), tab, contacts_shown(request.user)),
                       "accounts_media/list.html", context, unfiltered_count=counts[tab.key])


@require_http_methods(["GET", "POST"])
def account_add(request):
    account = services.new_account(request.user)
    form = AccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        action = "submit" if "submit" in request.POST else "save_draft"
        try:
            account = services.perform(account, action, request.user, form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已提交，等待审核。" if action == "submit" else "已暂存，可在【未提交】列表中修改后提交。")
            warn_inside_urls(request, form.cleaned_data.get("url"))
            return redirect("media:detail", pk=account.pk)
    return render(request, "accounts_media/account_form.html", {"form": form, "title": "新增新媒体账号", "draft": True})


@require_GET
def account_detail(request, pk):
    account = _account(request, pk)
    changes = _contacts_shown(request, account, "新媒体账号查看")
    return render(request, "accounts_media/detail.html", {
        "account": account, "actions": services.allowed_actions(account, request.user),
        "buttons": detail_buttons(request, account),
        "changes": changes, "is_rejected": account.status in REJECTED,
        "chain": chain_of(account),
    })


@require_GET
def account_journal(request, pk):
    """流水. GB also reads it for an account no longer live (删除（退出监管）…): the journal is kept,
    shown read-only; for everyone else such an account is gone (404)."""
    account = _account(request, pk, include_removed=request.user.role == Role.GB)
    entries = masking.journal_shown(request, account, journal_of("media_account", account.pk),
                                    account.filer_unit.org_unit_id, account.filer_unit_id, what="流水")
    return render(request, "accounts_media/journal.html", {"account": account, "entries": entries})


@require_GET
def account_guide(request):
    """查找新媒体账号信息指南: which link to paste for each 账号类型 (linked from 添加账号)."""
    entries = [{"type": TYPE_BY_CODE[e.code], "entry": e} for e in ENTRIES]
    return render(request, "accounts_media/guide.html", {"entries": entries, "refused": REFUSED})


@require_http_methods(["GET", "POST"])
def account_edit(request, pk):
    """Edit a draft (暂存 / 提交) or 重新添加申请 after a rejection (form prefilled, editable)."""
    account = _account(request, pk)
    name, refusal = _require(request, account, "save_draft", "resubmit_add")
    if refusal:
        return refusal
    form = AccountForm(request.POST if request.method == "POST" else None, instance=account)
    if request.method == "POST" and form.is_valid():
        action = name if name == "resubmit_add" else ("submit" if "submit" in request.POST else "save_draft")
        try:
            services.perform(account, action, request.user, form.cleaned_data, expected_version=account.version)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已暂存。" if action == "save_draft" else "已提交，等待审核。")
            warn_inside_urls(request, form.cleaned_data.get("url"))
            return redirect("media:detail", pk=account.pk)
    title = "重新添加申请" if name == "resubmit_add" else "编辑新媒体账号"
    return render(request, "accounts_media/account_form.html",
                  {"form": form, "title": title, "draft": name == "save_draft", "account": account})


@require_http_methods(["GET", "POST"])
def account_modify(request, pk):
    """修改 (正常) or 重新修改账号 (修改被驳回): the proposed values wait for the own org unit."""
    account = _account(request, pk)
    name, refusal = _require(request, account, "request_modify", "resubmit_modify")
    if refusal:
        return refusal
    form = AccountForm(request.POST if request.method == "POST" else None, instance=account, modify=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.perform(account, name, request.user, form.cleaned_data, expected_version=account.version)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "修改申请已提交，审核通过后生效。")
            warn_inside_urls(request, form.cleaned_data.get("url"))
            return redirect("media:detail", pk=account.pk)
    return render(request, "accounts_media/account_form.html",
                  {"form": form, "title": "编辑新媒体账号", "modify": True, "account": account})


def _request_page(request, pk, names, form_class, template):
    account = _account(request, pk)
    name, refusal = _require(request, account, *names)
    if refusal:
        return refusal
    initial = account.request_data if name.startswith("resubmit") else None
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and pf.valid(request, form):
        try:
            services.perform(account, name, request.user, form.request_data(), expected_version=account.version)
        except TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "申请已提交，等待审核。")
            return redirect("media:detail", pk=account.pk)
    return render(request, template, {"form": form, "account": account, "resubmit": name.startswith("resubmit")})


@preflight
@require_http_methods(["GET", "POST"])
def account_close(request, pk):
    return _request_page(request, pk, ("request_close", "resubmit_close"), CloseForm, "accounts_media/close.html")


@preflight
@require_http_methods(["GET", "POST"])
def account_restore(request, pk):
    return _request_page(request, pk, ("request_restore", "resubmit_restore"), RestoreForm, "accounts_media/restore.html")


@preflight
@require_http_methods(["GET", "POST"])
def account_review(request, pk):
    account = _account(request, pk)
    if request.method == "POST" and _version(request) not in (None, account.version):
        # The form was shown for an earlier state: a second click, or another reviewer was first.
        return _refused(request, AlreadyHandled("该申请已被处理，请刷新后查看最新状态。"), account)
    if account.status not in REVIEWS:
        # Nothing waits (Back after 确定): the state's message for whichever review this user has
        # the right to, e.g. GB's 同意恢复 — not "no permission".
        return _require(request, account, *(names[0] for names in REVIEWS.values()))[1]
    approve, reject, title, reason_label = REVIEWS[account.status]
    name, refusal = _require(request, account, approve)
    if refusal:
        return refusal
    labels = {"approve_label": WORKFLOW.get(approve).result, "reject_label": WORKFLOW.get(reject).result,
              "reason_label": reason_label}
    initial = {"version": account.version, **remembered_reviewer(request.user)}  # prefilled, editable
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial, **labels)
    if request.method == "POST" and pf.valid(request, form):
        action = approve if form.cleaned_data["result"] == "approve" else reject
        try:
            services.perform(account, action, request.user, form.cleaned_data, expected_version=form.cleaned_data["version"])
        except TransitionError as exc:
            return _refused(request, exc, account)
        remember_reviewer(request.user, form.cleaned_data["reviewer_name"], form.cleaned_data["reviewer_phone"])
        messages.success(request, f"审核已提交：{form.cleaned_data['result_label']}。")
        return redirect(review_return_url(request))
    return render(request, "accounts_media/review.html", {
        "form": form, "account": account, "title": title, "changes": _contacts_shown(request, account, "新媒体账号审核"),
        "back": _back(request), "return_url": review_return_url(request),
    })


def _back(request) -> str:
    return (request.POST.get("back") if request.method == "POST" else request.GET.get("back")) or ""


def review_return_url(request) -> str:
    """Where a reviewer lands after 确定 (or 取消): 待审核, with the filters, sort and page of the list
    they opened the review from (`back` holds only that query string: never another address)."""
    query = QueryDict(_back(request), mutable=True)
    query["tab"] = "pending"
    return f"{reverse('media:list')}?{query.urlencode()}"


@require_GET
def account_rejection(request, pk):
    """查看驳回: the request, who rejected it and why, and the manual's two buttons."""
    account = _account(request, pk)
    if account.status not in REJECTED:
        return _require(request, account, *REJECTION)[1]
    return render(request, "accounts_media/rejection.html", {
        "account": account, "buttons": rejection_buttons(request, account),
        "changes": _contacts_shown(request, account, "新媒体账号查看驳回"),
    })


SIMPLE_ACTIONS = {"abandon_add", "abandon_modify", "abandon_close", "abandon_restore", "delete_draft"}


@require_POST
def account_action(request, pk, action):
    """The transitions that need no form: 放弃…申请, 删除 a draft (confirmed in the page)."""
    account = _account(request, pk, include_removed=True)  # a second click on a removed one: 409, said why
    if action not in SIMPLE_ACTIONS:
        return _refused(request, TransitionError("不支持的操作。"), account)
    try:
        services.perform(account, action, request.user, {}, expected_version=_version(request))
    except TransitionError as exc:
        return _refused(request, exc, account)
    messages.success(request, f"已{WORKFLOW.get(action).label}。")
    return redirect("media:list" if action in ("abandon_add", "delete_draft") else "media:detail",
                    **({} if action in ("abandon_add", "delete_draft") else {"pk": account.pk}))


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@preflight
@require_http_methods(["GET", "POST"])
def account_delete(request, pk):
    """删除（退出监管）: GB only, with the reason of the formal request."""
    account = _account(request, pk)
    name, refusal = _require(request, account, "delete")
    if refusal:
        return refusal
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and pf.valid(request, form):
        try:
            services.perform(account, "delete", request.user, form.cleaned_data, expected_version=account.version)
        except TransitionError as exc:
            return _refused(request, exc, account)
        messages.success(request, f"已删除新媒体账号“{account.name}”。")
        return redirect("media:list")
    return render(request, "accounts_media/delete.html", {"form": form, "account": account})


def _contacts_shown(request, account, what: str) -> list[dict]:
    """The pending changes, with the contact's phone masked by the lists' rule (govmedia/common/masking.py)
    like `account.contact_mobile_shown`."""
    changes = _pending_changes(account)
    masking.show_contacts(request, account, ["contact_mobile"], account.filer_unit.org_unit_id, account.filer_unit_id,
                          what=what, changes=changes)
    return changes


def _pending_changes(account):
    return change_list(account, account.pending_changes) if account.pending_changes else []
