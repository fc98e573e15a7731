"""The figures of the two 待审核 panels (by waiting time, by 审核定位) from a few small grouped
statements over the requests waiting in the viewer's subtree (the accounts; the websites, whose
申报 and 下线申请 share the rows), read from covering partial indexes (decision 0068).

A `Waiting` is the subtree's requests as they stand at one moment (`as_of`): per source, the count
and the oldest arrival at the current unit (`since`) in each age bucket, and the units most waited
at. Its bucket counts stay exactly those of a COUNT with `since <= now - a days AND since > now - b
days` until `valid_until`, the first moment a request's age crosses a bucket edge (the oldest
arrival younger than an edge, plus the edge); a new or moved request changes the tab counts'
generation (accounts_media.counts; a website's request bumps it too, below), which ends it sooner.
Everything the database returns is a handful of rows, whatever the number of waiting requests:
GB's ~24,000 are counted inside PostgreSQL from an index-only scan of ~190 index pages.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.db.models import Case, Count, IntegerField, Min, Value, When
from django.db.models.functions import Cast

from accounts_media.counts import bump_generation
from accounts_media.models import MediaAccount
from govmedia.ops import counters
from reports.models import SpotCheckReport

from .ageing import SOURCES

TOP_UNITS = 20  # the 审核定位 panel's units (ranked by the database: GB has thousands)


@dataclass
class Waiting:
    as_of: datetime
    edges: tuple[int, ...]                  # the buckets' lower edges in days, ascending from 0; the last is open
    # Per source, per place: place 0 holds the requests stamped after `as_of` (a server's clock a
    # little ahead), counted in no bucket until `as_of` reaches them; place k + 1 is bucket k.
    counts: list[list[int]]
    oldest: list[list[datetime | None]]     # the oldest arrival of each place
    top_units: list[tuple[int, list[int]]]  # the TOP_UNITS units most waited at: (unit id, [count per source])
    valid_until: datetime | None = field(init=False)

    def __post_init__(self):
        self.valid_until = self._next_crossing()

    def _next_crossing(self) -> datetime | None:
        """The first moment after `as_of` at which a request's age crosses an edge: for each edge,
        the oldest arrival among the buckets younger than it, plus the edge. None: none will."""
        moments = []
        for oldest in self.oldest:
            for k, edge in enumerate(self.edges):  # younger than edges[k]: places 0..k
                younger = [moment for moment in oldest[:k + 1] if moment is not None]
                if younger:
                    moments.append(min(younger) + timedelta(days=edge))
        return min(moments) if moments else None

    def covers(self, now: datetime) -> bool:
        """The bucket counts are those of `now` (no age crossed an edge since `as_of`)."""
        return self.as_of <= now and (self.valid_until is None or now < self.valid_until)

    def between(self, n: int, a: int, b: int | None) -> int:
        """Requests of source `n` that waited at least `a` days and, with `b`, less than `b` (each an edge)."""
        if a not in self.edges or (b is not None and b not in self.edges):
            raise ValueError(f"[{a}, {b}) is not made of the buckets {self.edges}")
        return sum(count for edge, count in zip(self.edges, self.counts[n][1:]) if edge >= a and (b is None or edge < b))


def _cutoffs(now: datetime, edges: tuple[int, ...]) -> list[datetime]:
    """A request is in bucket k when `since <= now - edges[k]`, and in no older one."""
    return [now - timedelta(days=edge) for edge in edges]


def _place(since: datetime, cutoffs: list[datetime]) -> int:
    """0 for an arrival after `now`, else its bucket + 1 (the SQL's CASE, for the SQLite demo)."""
    return next((k + 1 for k in range(len(cutoffs) - 1, -1, -1) if since <= cutoffs[k]), 0)


def scan(user, now: datetime, edges: tuple[int, ...]) -> Waiting:
    """Two statements: each source's waiting requests grouped by age bucket (count, oldest
    arrival), the sources side by side; and the units ranked across the sources. Elsewhere than on
    PostgreSQL (the SQLite demo) the same figures are counted here from the rows."""
    if connections[SOURCES[0].model().objects.db].vendor != "postgresql":
        return _scan_rows(user, now, edges)
    cutoffs = _cutoffs(now, edges)
    parts, params = [], []
    for n, source in enumerate(SOURCES):
        since = source.since
        place = Case(*(When(**{f"{since}__lte": cutoffs[k]}, then=Value(k + 1)) for k in range(len(edges) - 1, -1, -1)),
                     default=Value(0), output_field=IntegerField())
        grouped = (source.queryset(user).filter(**{f"{source.reviewer}__isnull": False, f"{since}__isnull": False})
                   .annotate(place=place).values("place").annotate(n=Count("*"), first=Min(since)).order_by()
                   .values_list("place", "n", "first"))
        sql, part_params = grouped.query.sql_with_params()
        parts.append(f"SELECT {n}, s.* FROM ({sql}) AS s(place, c, first)")
        params.extend(part_params)
    counts = [[0] * (len(edges) + 1) for _ in SOURCES]
    oldest: list[list[datetime | None]] = [[None] * (len(edges) + 1) for _ in SOURCES]
    with connections[SOURCES[0].model().objects.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for n, k, count, first in cursor.fetchall():
            counts[n][k], oldest[n][k] = count, first
    return Waiting(now, edges, counts, oldest, _top_units(user))


def _top_units(user) -> list[tuple[int, list[int]]]:
    """The units most waited at, summed over the sources (most first; ties: the older unit), by one
    statement: each source's count per unit, side by side, ranked and cut by PostgreSQL. The counts
    are integers: the sum of a COUNT (bigint) is a numeric, and summing GB's ~3,500 units as numerics
    took a fifth of the statement (6.0 → 4.9 ms at 250,000 accounts)."""
    parts, params = [], []
    width = len(SOURCES)
    for n, source in enumerate(SOURCES):
        per_unit = (source.queryset(user).filter(**{f"{source.reviewer}__isnull": False})
                    .values(f"{source.reviewer}_id").annotate(c=Cast(Count("*"), IntegerField())).order_by()
                    .values_list(f"{source.reviewer}_id", "c"))
        sql, part_params = per_unit.query.sql_with_params()
        columns = ", ".join("s.c" if k == n else "0" for k in range(width))
        parts.append(f"SELECT s.u, {columns} FROM ({sql}) AS s(u, c)")
        params.extend(part_params)
    sums = ", ".join(f"sum(c{k})::int" for k in range(width))
    total = " + ".join(f"sum(c{k})" for k in range(width))
    names = ", ".join(f"c{k}" for k in range(width))
    statement = (f"SELECT u, {sums} FROM ({' UNION ALL '.join(parts)}) AS t(u, {names}) "
                 f"GROUP BY u ORDER BY {total} DESC, u LIMIT {TOP_UNITS}")
    with connections[SOURCES[0].model().objects.db].cursor() as cursor:
        cursor.execute(statement, params)
        return [(row[0], list(row[1:])) for row in cursor.fetchall()]


def _scan_rows(user, now: datetime, edges: tuple[int, ...]) -> Waiting:
    """`scan` counted here from the waiting rows (the SQLite demo holds a few hundred requests)."""
    cutoffs = _cutoffs(now, edges)
    per_unit: dict[int, list[int]] = {}
    counts, oldest = [], []
    for n, source in enumerate(SOURCES):
        source_counts, source_oldest = [0] * (len(edges) + 1), [None] * (len(edges) + 1)
        rows = (source.queryset(user).filter(**{f"{source.reviewer}__isnull": False})
                .values_list(f"{source.reviewer}_id", source.since).order_by())
        for unit_id, since in rows:
            per_unit.setdefault(unit_id, [0] * len(SOURCES))[n] += 1
            if since is None:
                continue
            k = _place(since, cutoffs)
            source_counts[k] += 1
            if source_oldest[k] is None or since < source_oldest[k]:
                source_oldest[k] = since
        counts.append(source_counts)
        oldest.append(source_oldest)
    top = sorted(per_unit.items(), key=lambda item: (-sum(item[1]), item[0]))[:TOP_UNITS]
    return Waiting(now, edges, counts, oldest, top)


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
