"""The panels of 数据看板, one registry: each panel is one function from the viewer to a table
(GROUP BY queries on the viewer's subtree, a few per panel whatever the data size), drawn as a
chart, shown as an accessible table and exported as .xlsx. Each value cell may carry the URL of
the list it counts (the list pages' own filter parameters), so a click on a bar drills down.

Add a panel in one place:

    @panel("findings_by_kind", "监测发现问题（按类型）")
    def findings_by_kind(viewer: Viewer) -> Table: ...   # viewer.user, viewer.now, viewer.once(...)
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Callable
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from govmedia.roles import ORG_UNITS, Access, Role
from orgtree.models import LEVEL_LABELS

from .ageing import SOURCES, ageing_days
from .rollup import (journal_since, live_accounts, live_closures, live_moves, projections, rollup_journal,
                     rollup_projections, usable_run)
from .waiting import REPORTS_GENERATION, scan
from accounts_media.counts import GENERATION_KEY as MEDIA_GENERATION, generation
from govmedia.ops import counters
from monitoring.changes import GENERATION_KEY as MONITORING_GENERATION
from accounts_media.models import Status
from accounts_media.platforms import ACCOUNT_TYPES
from django.core.cache import cache
from monitoring.indicators import failures_by_indicator, period_of
from monitoring.models import FINDING_LABELS, Kind
from monitoring.selectors import findings_visible_to
from orgtree.models import OrgUnit
from reports.models import SpotCheckReport
from reports.selectors import reports_visible_to


@dataclass
class Viewer:
    """Who looks, and when; `once` shares one query between the panels of a page."""

    user: object
    now: datetime
    memo: dict = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], object]):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def shared(self, key: str, compute: Callable[[], object], fresh: Callable[[object], bool] | None = None):
        """`once`, and kept in the shared cache per scope (the viewer's org unit) and month until
        the next committed change of an account (the tab counts' generation, accounts_media.counts):
        the account scans of a page are read from the cache until something changes. `fresh`: whether
        a kept value still holds now (else it is computed again and kept in its place)."""
        def cached():
            current = self.once("generation", generation)  # read once per page, for every shared figure
            full_key = (f"dashboard:{key}:{current}:{getattr(self.user, 'org_unit_id', None)}:"
                        f"{timezone.localtime(self.now):%Y-%m}")
            value = cache.get(full_key)
            if value is None or (fresh is not None and not fresh(value)):
                value = compute()
                cache.set(full_key, value, SHARED_TTL)
            return value

        return self.once(key, cached)


SHARED_TTL = 3600  # seconds; a change of an account ends it sooner (a new generation, a new key)


@dataclass
class Table:
    headers: list[str]                       # the label column first, then the value columns
    rows: list[list]                         # [label, value, value …]
    links: list[list[str]] = field(default_factory=list)   # per row, per value column: the list URL or ""
    series: tuple[int, ...] | None = None    # value columns drawn (indexes into the values); None: all
    note: str = ""
    valid_until: datetime | None = None      # a table that moves with the clock: the next moment it changes

    def chart(self, kind: str, stacked: bool) -> dict:
        columns = self.series if self.series is not None else tuple(range(len(self.headers) - 1))
        return {"type": kind, "stacked": stacked, "labels": [str(r[0]) for r in self.rows], "datasets": [
            {"label": self.headers[c + 1], "data": [r[c + 1] for r in self.rows],
             "links": [(self.links[i][c] if i < len(self.links) else "") for i in range(len(self.rows))]}
            for c in columns]}


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    build: Callable[..., Table]
    access: Access = ORG_UNITS
    chart: str = "bar"        # bar | line
    stacked: bool = False
    description: str = ""
    kept: tuple[str, ...] = ()   # the change counters (GENERATIONS) its table depends on, besides scope and month
    ttl: int = 3600              # seconds kept at most (a change of one of `kept` ends it sooner)


PANELS: dict[str, Panel] = {}


def panel(key: str, title: str, *, access: Access = ORG_UNITS, chart: str = "bar", stacked: bool = False,
          description: str = "", kept: tuple[str, ...] = (), ttl: int = 3600):
    def register(func):
        PANELS[key] = Panel(key, title, func, access, chart, stacked, description, kept, ttl)
        return func
    return register


def panels_for(user) -> list[Panel]:
    return [p for p in PANELS.values() if p.access.admits(user.role)]


def _shown(p: Panel, table: Table) -> dict:
    rows = [{"label": row[0], "cells": list(zip(row[1:], table.links[i] if i < len(table.links) else [""] * (len(row) - 1)))}
            for i, row in enumerate(table.rows)]
    return {"panel": p, "table": table, "chart": table.chart(p.chart, p.stacked), "rows": rows}


def page_panels(viewer: Viewer) -> list[dict]:
    """Every panel of the viewer's role, rendered: its chart data and its table with the links.
    A panel that declares what it depends on (`kept`: change counters) is kept rendered in the
    shared cache per scope, role, month and those counters' values (and, for a table that moves with
    the clock, until the next moment it changes): a warm page reads the counters in one round trip
    and the panels in another, and renders none of them."""
    panels = panels_for(viewer.user)
    values = _generations(viewer, {name for p in panels for name in p.kept})
    scope = f"{getattr(viewer.user, 'org_unit_id', None)}:{viewer.user.role}:{timezone.localtime(viewer.now):%Y-%m}"
    keys = {p.key: (f"dashboard:html:{p.key}:{'-'.join(str(values[name]) for name in p.kept)}:{scope}:"
                    f"{get_script_prefix()}") for p in panels if p.kept}
    kept = cache.get_many(list(keys.values())) if keys else {}
    shown, fresh = [], {}
    for p in panels:
        html = kept.get(keys.get(p.key, ""))
        if html is None:
            table = p.build(viewer)
            html = render_to_string("dashboard/_panel.html", {"item": _shown(p, table)})
            timeout = p.ttl if table.valid_until is None else min(p.ttl, (table.valid_until - viewer.now).total_seconds())
            if p.kept and timeout >= 1:
                fresh.setdefault(int(timeout), {})[keys[p.key]] = html
        shown.append({"panel": p, "html": html})
    for timeout, fragments in fresh.items():
        cache.set_many(fragments, timeout)
    return shown


# The change counters a panel may depend on (govmedia.ops.counters): a committed change of an account
# or of a waiting request; of a spot-check report (its transitions, dashboard.apps); of findings or verdicts.
GENERATIONS = {"accounts": MEDIA_GENERATION, "reports": REPORTS_GENERATION,
               "monitoring": MONITORING_GENERATION}


def _generations(viewer: Viewer, names: set[str]) -> dict[str, int]:
    """The current values of the named counters, read together (one get_many where the counters
    live in the cache; else one read each); the accounts' generation is shared with `Viewer.shared`."""
    keys = {name: counters.cache_key(GENERATIONS[name]) for name in names}
    found = cache.get_many([key for key in keys.values() if key]) if any(keys.values()) else {}
    values = {}
    for name, key in keys.items():
        values[name] = int(found.get(key, 0)) if key else counters.get(GENERATIONS[name])
    if "accounts" in values:
        viewer.memo.setdefault("generation", values["accounts"])
    return values


def export_sheets(viewer: Viewer, key: str) -> list[dict]:
    """The sheets of one panel (`key`) or of all (`"all"`) the viewer may see; [] for neither."""
    sheets = []
    for p in panels_for(viewer.user):
        if key in (p.key, "all"):
            table = p.build(viewer)
            sheets.append({"title": p.title[:31].replace("（", "(").replace("）", ")"), "headers": table.headers,
                           "rows": table.rows, "widths": [28] + [14] * (len(table.headers) - 1)})
    return sheets


def _url(name: str, **params) -> str:
    """The list URL of a cell (a page draws a few hundred, mostly the same from one view to the next)."""
    return _list_url(get_script_prefix(), name, tuple(params.items()))


@lru_cache(maxsize=8192)
def _list_url(prefix: str, name: str, params: tuple) -> str:
    """A cell's list URL, built once per process for each script prefix, list and parameters."""
    query = urlencode({k: v for k, v in params if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


# --- accounts ------------------------------------------------------------------------------------

ACCOUNTS = ("accounts",)  # kept until an account (or a waiting request) changes

def _run(viewer: Viewer):

    return viewer.once("rollup_run", usable_run)


def _recent(viewer: Viewer, run) -> list[tuple]:
    """The viewer's media-account journal entries since the rollup (shared by the account figures)."""

    return viewer.once("journal_since", lambda: journal_since(viewer.user, run.as_of))


@dataclass(frozen=True)
class Breakdown:
    """The viewer's counted accounts as the account panels read them: per (type, creation month),
    per (level, creation month) and per status. A few hundred figures whatever the data (GB's
    rollup scope holds ~2,800 (type, status, level, month) rows at 250k accounts, up to ~4,600):
    kept and read back small, walked by each panel in microseconds."""

    by_type_month: dict   # {(type, month): count}
    by_level_month: dict  # {(level, month): count}
    by_status: dict       # {status: count}


def _breakdown(viewer: Viewer) -> Breakdown:
    """The viewer's accounts by type, status, level and creation month, shared by every account
    panel — the type, status and level figures and the month-end totals by type and by level: from
    the rollup (the scope's rows summed per projection by the database, and the accounts the
    journal names since its time; dashboard/rollup.py), or with no usable rollup ONE grouped scan
    of the accounts; kept as its three projections (`Breakdown`)."""

    def compute():
        run = _run(viewer)
        if run is None:
            return Breakdown(*projections(live_accounts(viewer.user)))
        return Breakdown(*rollup_projections(run, viewer.user, _recent(viewer, run)))
    return viewer.shared("breakdown", compute)


def _journal_figures(viewer: Viewer, which: int, live):
    """From the rollup, its 同意关停 per month (which=0) or its status changes (1) with the
    entries since; with no usable rollup, `live()` (one grouped journal query)."""

    def compute():
        run = _run(viewer)
        if run is None:
            return live()
        return viewer.once("journal_rollup", lambda: rollup_journal(viewer.user, _recent(viewer, run)))[which]
    return compute


def _totals(counts: dict, index: int) -> dict:
    """{key[index]: the sum of the counts} of counts keyed by tuples."""
    totals: dict = {}
    for key, n in counts.items():
        totals[key[index]] = totals.get(key[index], 0) + n
    return totals


@panel("accounts_by_type", "新媒体账号（按类型）", description="已报送的账号，不含未提交", kept=ACCOUNTS)
def accounts_by_type(viewer: Viewer) -> Table:
    counts = _totals(_breakdown(viewer).by_type_month, 0)
    types = [t for t in ACCOUNT_TYPES if counts.get(t.code)]
    return Table(["账号类型", "账号数"], [[t.name, counts[t.code]] for t in types],
                 [[_url("media:list", account_type=t.code)] for t in types])


@panel("accounts_by_status", "新媒体账号（按状态）", description="已报送的账号，不含未提交", kept=ACCOUNTS)
def accounts_by_status(viewer: Viewer) -> Table:
    counts = _breakdown(viewer).by_status
    statuses = [(v, label) for v, label in Status.choices if counts.get(v)]
    return Table(["状态", "账号数"], [[label, counts[v]] for v, label in statuses],
                 [[_url("media:list", status=v)] for v, _ in statuses])


@panel("accounts_by_level", "新媒体账号（按组织单位层级）", description="按账号所属组织单位的层级", kept=ACCOUNTS)
def accounts_by_level(viewer: Viewer) -> Table:
    counts = _totals(_breakdown(viewer).by_level_month, 0)
    levels = sorted(counts)
    return Table(["层级", "账号数"], [[LEVEL_LABELS.get(level, f"第{level}级"), counts[level]] for level in levels],
                 [[_url("media:list", level=level) if level in LEVEL_LABELS else ""] for level in levels])


def _months(now: datetime, count: int = 12) -> list[datetime]:
    """The first moments (Beijing) of the last `count` months, oldest first."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    starts = []
    for _ in range(count):
        starts.append(local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@panel("accounts_by_month", "新增与关停（近12个月）", chart="line",
       description="新增：当月创建且已报送的账号；关停：当月同意关停的账号", kept=ACCOUNTS)
def accounts_by_month(viewer: Viewer) -> Table:

    months = _months(viewer.now)
    start = months[0]
    added = _totals(_breakdown(viewer).by_type_month, 1)  # per creation month, from the shared figures
    closed = viewer.shared("closures", _journal_figures(viewer, 0, lambda: live_closures(viewer.user, start)))
    rows, links = [], []
    for m in months:
        last = (m + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        rows.append([f"{m:%Y-%m}", added.get(m.date(), 0), closed.get(m.date(), 0)])
        links.append([_url("media:list", created_from=f"{m:%Y-%m-%d}", created_to=f"{last:%Y-%m-%d}"), ""])
    return Table(["月份", "新增账号", "同意关停"], rows, links)


def _month_end_totals(viewer: Viewer, counts: dict, columns, link=None) -> Table:
    """Accounts at each of the last 12 month ends, one column per value of a projection of the
    breakdown keyed (value, creation month) — by type or by level: running sums over the creation
    months. `columns` is [(value, header)], `link(value, last_day)` the list URL of a cell, if any."""
    months = _months(viewer.now)
    per_month: dict = {}
    for (value, month), n in counts.items():
        per_month.setdefault(value, {})
        per_month[value][month] = per_month[value].get(month, 0) + n
    shown = [(value, header) for value, header in columns if value in per_month]
    ends = [m.date() for m in months]
    running = {v: _running_totals(per_month[v], ends) for v, _ in shown}
    rows, links = [], []
    for i, m in enumerate(months):
        last = (m + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        rows.append([f"{m:%Y-%m}", *(running[v][i] for v, _ in shown)])
        links.append([link(v, last) if link else "" for v, _ in shown])
    return Table(["月份"] + [header for _, header in shown], rows, links)


def _running_totals(per_month: dict, ends: list) -> list[int]:
    """For each of `ends` (ascending month starts), the counts of the creation months up to it."""
    totals, total, months = [], 0, sorted(per_month.items())
    k = 0
    for end in ends:
        while k < len(months) and months[k][0] <= end:
            total += months[k][1]
            k += 1
        totals.append(total)
    return totals


@panel("accounts_by_type_over_time", "新媒体账号总数（按类型，近12个月月末）", chart="line",
       description="各月末已报送的账号数（按创建时间累计，不含未提交和已删除）", kept=ACCOUNTS)
def accounts_by_type_over_time(viewer: Viewer) -> Table:
    return _month_end_totals(viewer, _breakdown(viewer).by_type_month, [(t.code, t.name) for t in ACCOUNT_TYPES],
                             lambda code, last: _url("media:list", account_type=code, created_to=f"{last:%Y-%m-%d}"))


STATUS_OVER_TIME_NOTE = ("各月末的账号数由当前各状态账号数按流水（操作日志）中记录的状态变化逐月倒推；"
                         "当月为当前数。仅当月的数字可打开对应列表，以往月末没有可对应的列表。")


def _status_moves(viewer: Viewer, since: datetime) -> dict:
    """{month: {status: net change}} of the viewer's accounts from `since` on, from the status
    changes (before, after labels) per journal month (the rollup's and those since, or ONE grouped
    journal query). A label that is not a counted status (未提交, a new record's "", 已删除,
    已放弃) is outside the counted set, so a submission, a removal or a draft's deletion is a move
    in or out of it."""


    code_of = {label: code for code, label in Status.choices if code != Status.DRAFT}
    pairs = _journal_figures(viewer, 1, lambda: live_moves(viewer.user, since))()
    moves: dict = {}
    for (month, before, after), n in pairs.items():
        if month < since.date():
            continue
        net = moves.setdefault(month, {})
        if before in code_of:
            net[code_of[before]] = net.get(code_of[before], 0) - n
        if after in code_of:
            net[code_of[after]] = net.get(code_of[after], 0) + n
    return moves


@panel("accounts_by_status_over_time", "新媒体账号总数（按状态，近12个月月末）", chart="line",
       description="各月末已报送的账号数（不含未提交和已删除），按当时的状态", kept=ACCOUNTS)
def accounts_by_status_over_time(viewer: Viewer) -> Table:
    """The current figures per status (the shared scan: no query of its own), walked back month by
    month with the net status moves of each month (one grouped journal query over 11 months)."""
    months = _months(viewer.now)
    running = dict(_breakdown(viewer).by_status)
    moves = viewer.shared("status_moves", lambda: _status_moves(viewer, months[1]))
    at_end: dict = {}
    for m in reversed(months):  # the current month is "now"; each earlier month end is the next one minus its moves
        at_end[m] = dict(running)
        for code, n in moves.get(m.date(), {}).items():
            running[code] = running.get(code, 0) - n
    shown = [(v, label) for v, label in Status.choices if v != Status.DRAFT and any(at_end[m].get(v) for m in months)]
    rows = [[f"{m:%Y-%m}", *(at_end[m].get(v, 0) for v, _ in shown)] for m in months]
    links = [[""] * len(shown) for _ in months[:-1]] + [[_url("media:list", status=v) for v, _ in shown]]
    return Table(["月份"] + [label for _, label in shown], rows, links, note=STATUS_OVER_TIME_NOTE)


@panel("accounts_by_level_over_time", "新媒体账号总数（按组织单位层级，近12个月月末）", chart="line",
       description="各月末已报送的账号数（按创建时间累计，不含未提交和已删除）", kept=ACCOUNTS)
def accounts_by_level_over_time(viewer: Viewer) -> Table:
    return _month_end_totals(viewer, _breakdown(viewer).by_level_month, sorted(LEVEL_LABELS.items()),
                             lambda level, last: _url("media:list", level=level, created_to=f"{last:%Y-%m-%d}"))


# --- reviews waiting -------------------------------------------------------------------------------

def age_buckets() -> list[tuple[int, int | None, str]]:
    """[from, to) in days, with the 超期 threshold as an edge."""
    days = ageing_days()
    edges = sorted({0, 3, days, days * 2, 30})
    buckets = [(a, b, f"{a}–{b - 1}天" if b - 1 > a else f"{a}天") for a, b in zip(edges, edges[1:])]
    return buckets + [(edges[-1], None, f"{edges[-1]}天及以上")]


def _waiting(viewer: Viewer):
    """The waiting requests of the viewer's subtree, shared by both panels (dashboard/waiting.py):
    counted per age bucket, kept per scope until the next change or the next moment an age
    crosses a bucket edge."""
    edges = tuple(a for a, _, _ in age_buckets())
    return viewer.shared(f"waiting:{'-'.join(map(str, edges))}", lambda: scan(viewer.user, viewer.now, edges),
                         fresh=lambda waiting: waiting.covers(viewer.now))


@panel("pending_by_age", "待审核申请（按等待时长）", stacked=True, kept=ACCOUNTS,
       description="在本单位及下级单位等待审核的申请，按到达当前审核单位以来的天数")
def pending_by_age(viewer: Viewer) -> Table:
    waiting = _waiting(viewer)
    buckets = age_buckets()
    columns = [[waiting.between(n, a, b) for a, b, _ in buckets] for n in range(len(SOURCES))]
    rows, links = [], []
    for i, (a, b, label) in enumerate(buckets):
        overdue = a >= ageing_days()
        rows.append([label + ("（超期）" if overdue else "")] + [c[i] for c in columns])
        links.append([_url("dashboard:overdue", tab="all", source=s.key, days_from=a, days_to=b) for s in SOURCES])
    overdue = [sum(c[i] for i, (a, _, _) in enumerate(buckets) if a >= ageing_days()) for c in columns]
    counted = "、".join(f"{s.label} {n} 条" for s, n in zip(SOURCES, overdue))
    return Table(["等待时长"] + [s.label for s in SOURCES], rows, links,
                 note=f"超期待审核（在同一审核单位等待超过 {ageing_days()} 天）：{counted}",
                 valid_until=waiting.valid_until)


@panel("pending_by_unit", "待审核申请（按审核定位）", stacked=True, kept=ACCOUNTS,
       description="等待审核最多的单位（前20个）")
def pending_by_unit(viewer: Viewer) -> Table:

    top = _waiting(viewer).top_units  # most waiting first (ties: the older unit), ranked by the scan
    # The units' names and codes, kept beside the scan they rank (the same generation, the same units).
    units = viewer.shared("top_units", lambda: {pk: (name, code) for pk, name, code in OrgUnit.objects.filter(
        pk__in=[unit_id for unit_id, _ in top]).values_list("pk", "name", "code")})
    rows, links = [], []
    for unit_id, counts in top:
        name, code = units[unit_id]
        rows.append([f"{name}（{code}）", *counts])
        links.append([_url("dashboard:overdue", tab="all", source=s.key, reviewer=code) for s in SOURCES])
    return Table(["审核定位"] + [s.label for s in SOURCES], rows, links)


# --- spot checks -----------------------------------------------------------------------------------

@panel("spot_check_rates", "抽查合格率（按季度）", access=Access({Role.GB, Role.L1}), chart="line",
       kept=("reports",), ttl=600,
       description="已提交的上报抽查情况：合格率 =（抽查数量 − 不合格数量）÷ 抽查数量")
def spot_check_rates(viewer: Viewer) -> Table:
    user = viewer.user

    rows_by_quarter: dict[tuple[int, int], dict] = {}
    for year, quarter, kind, checked, failed in (
            reports_visible_to(user).filter(status=SpotCheckReport.Status.SUBMITTED).values_list("year", "quarter", "kind")
            .annotate(checked=Sum("checked_count"), failed=Sum("failed_count")).order_by()):
        rows_by_quarter.setdefault((year, quarter), {})[kind] = (checked or 0, failed or 0)
    kinds = [(SpotCheckReport.Kind.MEDIA, "新媒体"), (SpotCheckReport.Kind.WEBSITE, "网站")]
    rows, links = [], []
    for (year, quarter) in sorted(rows_by_quarter)[-8:]:
        row, row_links = [f"{year}年第{quarter}季度"], []
        for kind, _ in kinds:
            checked, failed = rows_by_quarter[(year, quarter)].get(kind, (0, 0))
            row.append(round((checked - failed) * 100 / checked, 1) if checked else None)
            row_links.append(_url("reports:overview", year=year, quarter=quarter, kind=kind) if user.role == Role.GB
                             else reverse("reports:list"))
        for kind, _ in kinds:
            row.append(rows_by_quarter[(year, quarter)].get(kind, (0, 0))[0])
            row_links.append("")
        rows.append(row)
        links.append(row_links)
    return Table(["季度", "新媒体合格率(%)", "网站合格率(%)", "新媒体抽查数量", "网站抽查数量"], rows, links, series=(0, 1))


# --- monitoring --------------------------------------------------------------------------------------

@panel("findings_by_kind", "监测发现问题（按类型）", stacked=True, kept=("monitoring",), ttl=600,
       description="自动监测发现、尚未恢复的问题（待核查），按问题类型和对象")
def findings_by_kind(viewer: Viewer) -> Table:
    counts: dict[tuple[str, str], int] = {}
    for kind, is_account, n in (findings_visible_to(viewer.user).filter(closed_at__isnull=True)
                                .annotate(is_account=ExpressionWrapper(Q(account__isnull=False), output_field=BooleanField())).values_list("kind", "is_account")
                                .annotate(n=Count("id")).order_by()):
        counts[(kind, "account" if is_account else "website")] = n
    subjects = [("account", "新媒体账号"), ("website", "政府网站")]
    rows, links = [], []
    for kind in Kind:
        if any(counts.get((kind, s), 0) for s, _ in subjects):
            rows.append([FINDING_LABELS[kind], *(counts.get((kind, s), 0) for s, _ in subjects)])
            links.append([_url("monitoring:findings", kind=kind.value, subject=s) for s, _ in subjects])
    return Table(["问题类型"] + [label for _, label in subjects], rows, links)


@panel("verdicts_by_indicator", "检查指标不合格（本季度，自动监测）", kept=("monitoring",), ttl=600,
       description="按《政府网站与政务新媒体检查指标》自动监测判定的本季度不合格对象数，点击查看对象和证据")
def verdicts_by_indicator(viewer: Viewer) -> Table:
    period = period_of(timezone.localdate(viewer.now))
    rows, links = [], []
    for item in failures_by_indicator(viewer.user.org_unit, period):
        ind = item["indicator"]
        rows.append([f"{ind.get_subject_display()}：{ind.name}", item["count"]])
        links.append([_url("monitoring:verdicts", indicator=ind.code, period=period)])
    return Table(["检查指标", "不合格数量"], rows, links)


__all__ = ["PANELS", "Panel", "Table", "Viewer", "export_sheets", "page_panels", "panel", "panels_for"]
