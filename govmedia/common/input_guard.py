"""One input guard for every request parameter: a NUL byte (or a character no text may hold)
in the path or the query string answers 400 before any view or query sees it.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), which turned a public
look-up such as `/api/v1/search/accounts?name=a%00b` into a 500. Forms already refuse NUL in
their fields (Django's ProhibitNullCharactersValidator); this guard covers the path and every GET
parameter of every route, public or not, in one place. The API gets its JSON error shape.
"""
import re

from django.http import HttpResponse, JsonResponse

# NUL, and the lone surrogates a broken percent-encoding can decode to: neither is text.
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "请求中含有不允许的字符（如空字符），请检查后重试。"


def bad_input(request) -> bool:
    if FORBIDDEN.search(request.path_info or ""):
        return True
    for key, values in request.GET.lists():
        if FORBIDDEN.search(key) or any(FORBIDDEN.search(v) for v in values):
            return True
    return False


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if bad_input(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
