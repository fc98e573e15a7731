"""The one renderer of workflow buttons: a page asks it for the buttons of an object, and it
reads them from the table (label, confirmation text, form inputs) for the transitions the
engine allows this user now. A template never repeats a rule: it places the HTML.

Every POST button carries the version of the object the page showed, so a second click in a
stale tab is told the request was already handled (AlreadyHandled), never "no permission".
"""
from typing import Callable, Iterable
from urllib.parse import urlsplit

from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .engine import NotAllowed, Transition, TransitionError, Workflow

INPUTS = {
    "": "",
    "reason": '<input class="form-control form-control-sm" name="reason" placeholder="{p}" aria-label="{p}" data-maxlength="300">',
    "reason_required": '<input class="form-control form-control-sm" name="reason" placeholder="{p}" aria-label="{p}" '
                       'data-maxlength="300" required>',
    "until": '<label class="small text-nowrap align-self-center" for="until-{pk}">预计上线</label>'
             '<input class="form-control form-control-sm" type="date" name="offline_until" id="until-{pk}" required>',
}


def _confirm(transition: Transition, obj) -> str:
    return transition.confirm.replace("{name}", str(getattr(obj, "name", "")))


def _checks_first(url: str) -> bool:
    """Whether the view behind `url` answers a preflight (govmedia/common/preflight.py): its form
    is then checked by the server before the confirmation is asked."""
    try:
        return getattr(resolve(urlsplit(url).path).func, "preflight", False)
    except Resolver404:
        return False


def button(request, transition: Transition, obj, url: str, link_style: bool = False) -> SafeString:
    css = "btn btn-link btn-sm p-0 me-2" if link_style else f"btn {transition.button}"
    text = transition.button_label or transition.label
    if transition.form == "page":
        return format_html('<a class="{}" href="{}" data-transition="{}">{}</a>', css, url, transition.name, text)
    placeholder = "退回原因" if "退回" in transition.label else "驳回原因" if "驳回" in transition.label else "原因"
    inputs = INPUTS[transition.form if transition.form in INPUTS else ""].replace("{p}", placeholder).replace("{pk}", str(obj.pk))
    return format_html(
        '<form method="post" action="{}" class="d-inline-flex gap-1" data-transition="{}"{}>'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}"><input type="hidden" name="version" value="{}">{}'
        '<button type="submit" class="{} text-nowrap"{}>{}</button></form>',
        url, transition.name, mark_safe(" data-preflight") if transition.confirm and _checks_first(url) else "",
        get_token(request), obj.version, mark_safe(inputs), css,
        format_html(' data-confirm="{}"', _confirm(transition, obj)) if transition.confirm else "", text)


def disabled(transition: Transition, reason: str) -> SafeString:
    return format_html('<span class="d-inline-block" tabindex="0" title="{}" data-transition="{}">'
                       '<button class="btn {}" disabled>{}</button></span>', reason, transition.name,
                       transition.button, transition.button_label or transition.label)


def render_buttons(request, workflow: Workflow, obj, url_for: Callable[[Transition, object], str],
                   names: Iterable[str] | None = None, link_style: bool = False,
                   explain: Iterable[str] = ()) -> SafeString:
    """The buttons of the transitions `request.user` may apply to `obj` now (those with a
    `button` in the table; `names` to keep a subset, in the table's order). A transition named
    in `explain` that this user could do but the state forbids shows disabled, its title the
    guard's message (下线申请 of a portal: 门户网站不能下线…)."""
    wanted = set(names) if names is not None else None
    explain = set(explain)
    parts = []
    for t in workflow.transitions:
        if not (t.button or link_style) or (wanted is not None and t.name not in wanted):
            continue
        refusal = workflow.check(obj, request.user, t)
        if refusal is None:
            parts.append(button(request, t, obj, url_for(t, obj), link_style))
        elif t.name in explain and not isinstance(refusal, NotAllowed):
            parts.append(disabled(t, refusal.message))
    return format_html_join("", "{}", ((part,) for part in parts))


def posted_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def refused(request, exc: TransitionError, back_url: str, back_label: str = "返回", object_url: str = "",
            object_label: str = ""):
    """The refusal of a transition as a page with its status: 403 (this user may never), 409
    (the state moved on: a stale tab), 400 (the form data); a link back, and one to the object."""
    return render(request, "reviews/refused.html", {"message": exc.message, "back_url": back_url, "back_label": back_label,
                                                    "object_url": object_url, "object_label": object_label},
                  status=exc.http_status)
