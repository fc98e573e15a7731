"""Review ageing (decision 0031): a request waiting at one unit more than REVIEW_AGEING_DAYS
calendar days is 超期. The engine stamps the workflow's `waiting` column (`reviewer_since`) when a
request reaches a unit, so how long it has waited there is one column. Imports nothing of ours:
the lists of media accounts and websites mark their overdue rows with it."""
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def ageing_days() -> int:
    return settings.REVIEW_AGEING_DAYS


def cutoff(days: int | None = None, now: datetime | None = None) -> datetime:
    """Requests that reached their unit before this moment have waited more than `days` days."""
    return (now or timezone.now()) - timedelta(days=ageing_days() if days is None else days)


def overdue_q(now: datetime | None = None) -> Q:
    return Q(reviewer__isnull=False, reviewer_since__lt=cutoff(now=now))


def is_overdue(obj, now: datetime | None = None) -> bool:
    since = getattr(obj, "reviewer_since", None)
    return bool(obj.reviewer_id and since and since < cutoff(now=now))


def waited_days(obj, now: datetime | None = None) -> int | None:
    since = getattr(obj, "reviewer_since", None)
    return ((now or timezone.now()) - since).days if obj.reviewer_id and since else None


def overdue_badge(obj) -> str:
    """The 待审核 lists' mark on an overdue row (text, so not only a colour)."""
    from django.utils.html import format_html

    if not is_overdue(obj):
        return ""
    return format_html('<span class="badge text-bg-danger ms-1" data-testid="overdue">超期{}天</span>', waited_days(obj))
