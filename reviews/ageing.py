"""Review ageing (decision 0031): a request waiting at one unit more than REVIEW_AGEING_DAYS
calendar days is 超期. The engine stamps the workflow's `waiting` columns (审核定位 and the time
the request reached it) when a request reaches a unit, so how long it has waited there is one
column. Every helper takes those two column names (`waiting`, as the workflow declares them):
`REVIEW` for the 申报/添加 requests (`reviewer`, `reviewer_since`), `("offline_reviewer",
"offline_reviewer_since")` for a website's 下线申请. Imports nothing of ours: the lists of media
accounts and websites and 下线审核 mark their overdue rows with it."""
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

REVIEW = ("reviewer", "reviewer_since")


def ageing_days() -> int:
    return settings.REVIEW_AGEING_DAYS


def cutoff(days: int | None = None, now: datetime | None = None) -> datetime:
    """Requests that reached their unit before this moment have waited more than `days` days."""
    return (now or timezone.now()) - timedelta(days=ageing_days() if days is None else days)


def overdue_q(now: datetime | None = None, waiting: tuple[str, str] = REVIEW) -> Q:
    reviewer, since = waiting
    return Q(**{f"{reviewer}__isnull": False, f"{since}__lt": cutoff(now=now)})


def _since(obj, waiting):
    reviewer, since = waiting
    return getattr(obj, since, None) if getattr(obj, f"{reviewer}_id", None) else None


def is_overdue(obj, now: datetime | None = None, waiting: tuple[str, str] = REVIEW) -> bool:
    since = _since(obj, waiting)
    return bool(since and since < cutoff(now=now))


def waited_days(obj, now: datetime | None = None, waiting: tuple[str, str] = REVIEW) -> int | None:
    since = _since(obj, waiting)
    return ((now or timezone.now()) - since).days if since else None


def overdue_badge(obj, waiting: tuple[str, str] = REVIEW, now: datetime | None = None) -> str:
    """The 待审核 lists' mark on an overdue row (text, so not only a colour). `now`: a list's
    moment, taken once for all its rows."""
    now = now or timezone.now()
    if not is_overdue(obj, now=now, waiting=waiting):
        return ""
    days = waited_days(obj, now=now, waiting=waiting)  # an integer: nothing to escape
    return mark_safe(f'<span class="badge text-bg-danger ms-1" data-testid="overdue">超期{days}天</span>')
