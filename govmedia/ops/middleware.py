"""One log line per request: method, path, status, duration, user and the request id.

The id comes from the X-Request-ID header when the load balancer sends a sane one, else it is
made here; it is sent back in X-Request-ID and stamped on every log line of the request."""
import logging
import re
import time
import uuid

from django.utils.functional import empty

from . import metrics
from .logs import request_id_var

logger = logging.getLogger("govmedia.request")
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _user_of(request) -> str:
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:  # never evaluated: no session lookup now
        return "-"
    return user.get_username() if user.is_authenticated else "anonymous"


def _drop_body(response) -> None:
    """A HEAD answer carries the GET's headers and no body (gunicorn sends whatever the app returns)."""
    if response.streaming:
        if hasattr(response, "close"):
            response.close()
        response.streaming_content = []
    else:
        length = response.get("Content-Length", str(len(response.content)))
        response.content = b""
        response["Content-Length"] = length


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            if request.method == "HEAD":
                _drop_body(response)
            return response
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            metrics.observe(request, status, duration_ms / 1000)
            if status >= 400 or not request.path.startswith("/static/"):
                level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
                logger.log(level, "%s %s %s %.1fms user=%s", request.method, request.get_full_path()[:300], status,
                           duration_ms, _user_of(request),
                           extra={"method": request.method, "path": request.path, "status": status,
                                  "duration_ms": round(duration_ms, 1), "user": _user_of(request)})
            request_id_var.reset(token)
