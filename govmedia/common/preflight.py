"""Validation before confirmation (issue 30): a form that asks "确定…吗？" first asks the server
whether it would be accepted, and shows the confirmation only when it would.

static/js/preflight.js sends the form as it stands, with the header `X-Preflight: 1`. The view
runs exactly as for a real POST — the same access rule, the same object lookup scoped to the
user's unit, the same form — up to its validation, `preflight.valid(request, form)`, which on a
preflight answers with the form's errors as JSON instead of going on. Nothing is saved: the view
runs inside a transaction that is always rolled back, and messages it queued are dropped.

Only views decorated with `@preflight` run on a preflight. PreflightMiddleware (after the access
middleware, so a refused user is refused as before) answers every other preflight itself with
"nothing to check" and never calls the view: a preflight can never save by reaching a view that
does not know about it (重置校验码, 当页数据全部审核 …).
"""
from functools import wraps

from django.db import transaction
from django.http import JsonResponse

HEADER = "HTTP_X_PREFLIGHT"


def is_preflight(request) -> bool:
    return request.method == "POST" and request.META.get(HEADER) == "1"


class _Answer(Exception):
    def __init__(self, errors: dict):
        super().__init__("preflight answer")
        self.errors = errors


def form_errors(form) -> dict:
    """{field name or "__all__": [messages]} in the form's own words."""
    return {name: [e["message"] for e in errors] for name, errors in form.errors.get_json_data().items()}


def valid(request, form) -> bool:
    """`form.is_valid()`, except that on a preflight the view stops here and the errors are answered."""
    ok = form.is_valid()
    if is_preflight(request):
        raise _Answer({} if ok else form_errors(form))
    return ok


def refuse(request, errors: dict) -> None:
    """On a preflight, answer these errors now (for views whose checks are not a Django form)."""
    if is_preflight(request) and errors:
        raise _Answer(errors)


def passed(request) -> None:
    """On a preflight, answer "would be accepted" now (the checks ran in the engine; rolled back)."""
    if is_preflight(request):
        raise _Answer({})


def answer(errors: dict, checked: bool = True) -> JsonResponse:
    response = JsonResponse({"ok": not errors, "errors": errors, "checked": checked})
    response["Cache-Control"] = "no-store"
    return response


def _drop_new_messages(request, before: int) -> None:
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", None)
    if queued is not None:
        del queued[before:]


def preflight(view):
    """Let `view` answer preflights: it runs to its `valid()`/`refuse()` call, then stops; all it
    wrote is rolled back. A view that returns before validating (a refusal, a redirect) answers
    "nothing to check" with its status: the real submission then shows what it shows today."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_preflight(request):
            return view(request, *args, **kwargs)
        storage = getattr(request, "_messages", None)
        before = len(getattr(storage, "_queued_messages", []) or [])
        try:
            with transaction.atomic():
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    transaction.set_rollback(True)
        except _Answer as done:
            return answer(done.errors)
        finally:
            _drop_new_messages(request, before)
        result = answer({}, checked=False)
        result["X-Preflight-Status"] = str(response.status_code)
        return result

    wrapped.preflight = True
    return wrapped


class PreflightMiddleware:
    """Answers preflights for views without `@preflight`; place after AccessMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_preflight(request):
            return None
        if getattr(view_func, "preflight", False):
            return None
        return answer({}, checked=False)
