"""The figures of the two 待审核 panels (by waiting time, by 审核定位), from ONE grouped scan per
table of the requests waiting in the viewer's subtree (the accounts; the websites, whose 申报 and
下线申请 share the rows), kept in the shared cache per scope until the next change (the tab
counts' generation, accounts_media.counts; a website's request that moves bumps it too, below).

What is cached does not depend on the clock: per source, the distinct arrival times at the
current unit (`since`, microseconds) with the running count of requests that arrived by each,
and the units most waited at with their counts. A view counts its age buckets from them with its own `now`
(two binary searches per bucket edge), so the figures are exactly those of a COUNT with
`since <= now - a days AND since > now - b days`, whatever the time of day: no day or hour key.
"""
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import BigIntegerField, Q, Value
from django.db.models.functions import Cast, Extract

from django.db import connections, transaction

from accounts_media.counts import bump_generation
from accounts_media.models import MediaAccount
from govmedia.ops import counters
from reports.models import SpotCheckReport

from .ageing import SOURCES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
TOP_UNITS = 20  # the 审核定位 panel's units (ranked once per scan, not per view: GB has thousands)


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


@dataclass
class Waiting:
    top_units: list[tuple[int, list[int]]]  # the TOP_UNITS units most waited at: (unit id, [count per source])
    arrivals: list[tuple[array, array]]     # per source: (sorted distinct times, requests arrived by each)

    def arrived_by(self, n: int, moment: datetime) -> int:
        """Requests of source `n` waiting since `moment` or earlier (`since <= moment`)."""
        times, running = self.arrivals[n]
        i = bisect_right(times, _micros(moment))
        return running[i - 1] if i else 0

    def next_change(self, now: datetime, edges: list[int]) -> datetime | None:
        """The next moment after `now` at which a count of `between` (buckets with these day edges)
        changes: a request's age crossing an edge. None: no request will cross one."""
        moments = []
        for times, _ in self.arrivals:
            for days in edges:
                i = bisect_right(times, _micros(now - timedelta(days=days)))
                if i < len(times):  # the oldest arrival still younger than `days`: it crosses at arrival + days
                    moments.append(EPOCH + timedelta(microseconds=times[i]) + timedelta(days=days))
        return min(moments) if moments else None

    def between(self, n: int, now: datetime, a: int, b: int | None) -> int:
        """Waited at least `a` days and, with `b`, less than `b` (the panel's bucket [a, b))."""
        older = self.arrived_by(n, now - timedelta(days=b)) if b is not None else 0
        return self.arrived_by(n, now - timedelta(days=a)) - older


# Per source of a table: its units with their counts, and its distinct arrival times with the running
# count of requests arrived by each — four arrays in one row, aggregated by PostgreSQL from the rows
# read once (GB: ~24,000 waiting requests become two arrays of integers, not ~24,000 rows).
SOURCE_ARRAYS = """
    (SELECT array_agg(r ORDER BY r) units, array_agg(c ORDER BY r) counts
     FROM (SELECT {r} r, count(*) c FROM b WHERE {r} IS NOT NULL GROUP BY 1) g) u{k},
    (SELECT array_agg(t ORDER BY t) times, array_agg(run ORDER BY t) running
     FROM (SELECT t, (sum(c) OVER (ORDER BY t))::bigint run
           FROM (SELECT {t} t, count(*) c FROM b WHERE {r} IS NOT NULL AND {t} IS NOT NULL GROUP BY 1) g) w) a{k}"""


def scan(user) -> Waiting:
    """One statement per table: the waiting rows of the viewer's subtree read once (a materialized
    CTE), each source's units and arrival times aggregated from them (SOURCE_ARRAYS). Elsewhere
    than on PostgreSQL (the SQLite demo) the same figures are aggregated here from the rows."""
    per_unit: dict[int, list[int]] = {}
    arrivals: list[tuple[array, array]] = [(array("q"), array("q")) for _ in SOURCES]
    tables: dict[str, list[int]] = {}
    for n, source in enumerate(SOURCES):
        tables.setdefault(source.visible, []).append(n)
    if connections[SOURCES[0].model().objects.db].vendor != "postgresql":
        return _scan_rows(user)
    for indexes in tables.values():
        sources = [SOURCES[n] for n in indexes]
        where = Q()
        for source in sources:
            where |= Q(**{f"{source.reviewer}__isnull": False})
        # The arrival times as integer microseconds, made by PostgreSQL (exact: EXTRACT(EPOCH) is numeric),
        # so that no timestamp is parsed here.
        micros = {f"at{n}": Cast(Extract(SOURCES[n].since, "epoch", tzinfo=UTC) * Value(1_000_000),
                                 BigIntegerField())
                  for n in indexes}
        columns = [column for n in indexes for column in (f"{SOURCES[n].reviewer}_id", f"at{n}")]
        rows = sources[0].queryset(user).filter(where).annotate(**micros).values_list(*columns).order_by()
        sql, params = rows.query.sql_with_params()
        arrays = ",".join(SOURCE_ARRAYS.format(r=f'"{SOURCES[n].reviewer}_id"', t=f'"at{n}"', k=n) for n in indexes)
        shown = ", ".join(f"u{n}.units, u{n}.counts, a{n}.times, a{n}.running" for n in indexes)
        with connections[rows.db].cursor() as cursor:
            cursor.execute(f"WITH b AS MATERIALIZED ({sql}) SELECT {shown} FROM {arrays}", params)
            found = cursor.fetchone()
        for k, n in enumerate(indexes):
            units, counts, times, running = (value or [] for value in found[4 * k:4 * k + 4])
            for unit_id, count in zip(units, counts):
                per_unit.setdefault(unit_id, [0] * len(SOURCES))[n] += count
            arrivals[n] = (array("q", times), array("q", running))
    top = sorted(per_unit.items(), key=lambda item: (-sum(item[1]), item[0]))[:TOP_UNITS]
    return Waiting(top, arrivals)


def _scan_rows(user) -> Waiting:
    """`scan` without PostgreSQL's arrays and window functions: each source's waiting rows read and
    counted here (the SQLite demo holds a few hundred requests)."""
    per_unit: dict[int, list[int]] = {}
    arrivals: list[tuple[array, array]] = []
    for n, source in enumerate(SOURCES):
        rows = (source.queryset(user).filter(**{f"{source.reviewer}__isnull": False})
                .values_list(f"{source.reviewer}_id", source.since).order_by())
        by_time: dict[int, int] = {}
        for unit_id, since in rows:
            per_unit.setdefault(unit_id, [0] * len(SOURCES))[n] += 1
            if since is not None:
                at = _micros(since)
                by_time[at] = by_time.get(at, 0) + 1
        times, running, total = array("q"), array("q"), 0
        for at in sorted(by_time):
            total += by_time[at]
            times.append(at)
            running.append(total)
        arrivals.append((times, running))
    top = sorted(per_unit.items(), key=lambda item: (-sum(item[1]), item[0]))[:TOP_UNITS]
    return Waiting(top, arrivals)


REPORTS_GENERATION = "spot-check-reports:generation"  # 数据看板's 抽查合格率 is kept until a report moves


def on_transitions(applied) -> None:
    """An engine observer: a website's 申报 or 下线申请 that moves changes what waits where, so the
    generation moves as it does for a media account (whose workflow bumps it itself); a spot-check
    report that moves (提交) ends the kept 抽查合格率."""
    if any(a.workflow.waiting is not None and a.workflow.model is not MediaAccount for a in applied):
        bump_generation()
    if any(a.workflow.model is SpotCheckReport for a in applied):
        transaction.on_commit(lambda: counters.incr(REPORTS_GENERATION))


__all__ = ["Waiting", "on_transitions", "scan"]
