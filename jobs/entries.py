"""The scheduler's registry: an Entry a name, and running one (jobs.tasks.run_scheduled_entry →
execute_entry) with its ScheduledRun row stamped. The entries themselves are declared in
jobs/schedule.py, which the jobs app loads at start-up (jobs/wiring.py)."""
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

logger = logging.getLogger("jobs.schedule")


@dataclass(frozen=True)
class Entry:
    name: str
    func: str                          # dotted path of the function to call
    every: timedelta | None = None     # run once per interval …
    daily_at: time | None = None       # … or once a day at this Beijing time
    arg: str | None = None             # "now" (aware datetime) or "today" (Beijing date) passed to func
    inline: bool = False               # run in the tick, not on the queue
    label: str = ""

    def period(self, now: datetime) -> str | None:
        local = timezone.localtime(now)
        if self.daily_at is not None:
            day = local.date() if local.time() >= self.daily_at else local.date() - timedelta(days=1)
            return day.isoformat()
        seconds = int(self.every.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return timezone.localtime(datetime.fromtimestamp(start, tz=timezone.get_current_timezone())).strftime(
            "%Y-%m-%dT%H:%M")

    def call(self, now: datetime):
        func = import_string(self.func)
        if self.arg == "now":
            return func(now)
        if self.arg == "today":
            return func(timezone.localdate(now))
        return func()


SCHEDULE: dict[str, Entry] = {}


def schedule(name: str, func: str, *, every: timedelta | None = None, daily_at: time | None = None,
             arg: str | None = None, inline: bool = False, label: str = "") -> Entry:
    if (every is None) == (daily_at is None):
        raise ValueError(f"schedule {name!r}: give exactly one of every= or daily_at=")
    entry = SCHEDULE[name] = Entry(name, func, every, daily_at, arg, inline, label or name)
    return entry


def execute_entry(name: str, period: str, now: datetime | None = None) -> str:
    now = now or timezone.now()
    ScheduledRun.objects.filter(name=name, period=period).update(started_at=now)
    entry = SCHEDULE.get(name)
    try:
        if entry is None:
            raise LookupError(f"未登记的定时任务：{name}")
        result = entry.call(now)
    except Exception as exc:
        logger.exception("scheduled %s (%s) failed", name, period)
        ScheduledRun.objects.filter(name=name, period=period).update(finished_at=timezone.now(), error=repr(exc))
        raise
    text = "" if result is None else str(result)
    ScheduledRun.objects.filter(name=name, period=period).update(finished_at=timezone.now(), result=text[:2000])
    return text
