"""Log lines: `2026-12-02T10:15:03.412+08:00 INFO govmedia.request [req=3f2a…] message`.

Every logger of the process (Django's, ours, gunicorn's through gunicorn.conf.py) uses this one
format with times in Asia/Shanghai, and the request id of the request being served."""
import contextvars
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("govmedia_request_id", default="-")
ZONE = ZoneInfo("Asia/Shanghai")


class LineFormatter(logging.Formatter):
    def __init__(self, *args, **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s")

    def formatTime(self, record, datefmt=None):  # noqa: N802  (logging's name)
        return datetime.fromtimestamp(record.created, ZONE).isoformat(timespec="milliseconds")

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return super().format(record)


class No4xxTraceback(logging.Filter):
    """A refused request (403, 404, 400 …) is one line, never a traceback; 5xx keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if record.exc_info and (record.name.startswith("django.security") or (status and status < 500)):
            record.exc_info = None
            record.exc_text = None
        return True
