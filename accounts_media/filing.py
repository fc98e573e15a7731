"""备案时限: a new account is filed (提交) within 3 working days of its 开设时间 (the county notice:
“新开设政务新媒体，原则上要在开设后3个工作日内，通过系统提交备案业务”).

Working days skip Saturdays, Sundays and the dates of `settings.PUBLIC_HOLIDAYS` (ISO dates, from
the PUBLIC_HOLIDAYS environment variable); decision 0033.
"""
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

FILING_WORKING_DAYS = 3


def holidays() -> set[date]:
    return {date.fromisoformat(d) if isinstance(d, str) else d for d in getattr(settings, "PUBLIC_HOLIDAYS", [])}


def is_working_day(day: date, off: set[date] | None = None) -> bool:
    return day.weekday() < 5 and day not in (holidays() if off is None else off)


def filing_deadline(opened_on: date, days: int = FILING_WORKING_DAYS) -> date:
    """The last day to file: the `days`-th working day after 开设时间."""
    off, day, left = holidays(), opened_on, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, off):
            left -= 1
    return day


def is_late(opened_on: date | None, submitted_on: date | None) -> bool:
    return bool(opened_on and submitted_on and submitted_on > filing_deadline(opened_on))


def stamp_submission(account, today: date | None = None) -> None:
    """At the first 提交 (or 重新添加申请 after it): the submission date, then the flag."""
    if account.submitted_on is None:
        account.submitted_on = today or timezone.localdate()
    account.filed_late = is_late(account.opened_on, account.submitted_on)
