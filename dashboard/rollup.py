"""数据看板 from rollups (issue 26 item 3): what the account panels count, per scope, without
scanning the accounts or the journal on a page view.

A daily scheduled job (`rebuild`, jobs/schedule.py "dashboard_rollup") writes, in one transaction:
- AccountState: each counted account (live, not a draft) — its org path, type, status and
  creation month (Beijing) — as it stands;
- AccountRollup: those accounts counted per scope × type × status × org level × creation month,
  where a scope is every org unit on the account's path ("" for the whole country) and months
  before `clamp` (12 months before the rollup's month) are summed into `clamp`;
- JournalRollup: the media-account journal entries written before `as_of`, per scope and Beijing
  month: the 同意关停 (kind "close") and the status changes (kind "move", before → after label);
- RollupRun: `as_of` = the job's start minus MARGIN.

A page then reads its own scope's rows (one equality lookup per table; the account rows summed by
PostgreSQL into the three projections the panels draw, `rollup_projections`) plus the journal entries
written since `as_of` in its scope (the journal_scope partial index: `scope_path LIKE 'p%' AND
scope_path <> ''`; for GB journal_recent), grouped. Each account named there counts as it is now
instead of as AccountState saw it (two grouped queries over those accounts, a semi-join), so the figures are those of the tables
themselves: an account changed between `as_of` and the snapshot is in both, and cancels out.
MARGIN bounds how long a change may stay uncommitted after its journal entry is stamped.

Every change of an account's status, type or creation goes through the review engine and writes
an entry with the account's org path; a subtree move rewrites the paths without one, so it marks
the rollup stale (`mark_stale`, a receiver of orgtree's subtree_moved) and the dashboard reads the
tables themselves (`live_*`, the aggregates the rollup replaces) until the next rebuild.
"""
import time as clock
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection, connections, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Length, Replace, TruncMonth
from django.utils import timezone

from accounts_media.models import MediaAccount, Status
from accounts_media.selectors import accounts_visible_to
from reviews.models import JournalEntry

from .models import AccountRollup, AccountState, JournalRollup, RollupRun

MARGIN = timedelta(minutes=10)
CLAMP_MONTHS = 12
KEEP_RUNS = 30
BATCH = 5000
SUBJECT = "media_account"
CLOSE = "approve_close"


def scope_key(unit) -> str:
    return "" if unit.is_root else unit.path


def scopes_of(path: str) -> list[str]:
    """The scope keys that see a row of this org path: the country ("") and each unit's path on it
    below the root ("/GB0000/110000/110108/" → "", "/GB0000/110000/", "/GB0000/110000/110108/")."""
    parts = path.split("/")
    return [""] + ["/".join(parts[:i]) + "/" for i in range(3, len(parts))]


def level_of(path: str) -> int:
    return path.count("/") - 2


def add_months(day: date, n: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
    return date(year, month + 1, 1)


def _tz():
    return timezone.get_current_timezone()


def _counted(user):
    """The accounts the 新媒体账号信息 list shows under 已提交 (live, not drafts): what the panels count."""

    return accounts_visible_to(user).exclude(status=Status.DRAFT)


def _journal():

    return JournalEntry.objects.filter(subject_type=SUBJECT).order_by()


def _scoped(entries, unit):
    """The entries of `unit`'s subtree. `scope_path <> ''` (true of every prefix match) lets the
    planner use the partial index journal_scope (scope_path prefix, at): a county reads its rows."""
    if unit.is_root:
        return entries
    return entries.filter(scope_path__startswith=unit.path).exclude(scope_path="")


# --- the tables themselves (no rollup, or a stale one) -----------------------------------------------

def live_accounts(user) -> list[tuple[str, str, int, date, int]]:
    """(type, status, level, creation month, count) of the viewer's counted accounts: ONE grouped scan."""
    slashes = Length("org_path") - Length(Replace("org_path", Value("/"), Value("")))
    return [(account_type, status, level, month.date(), n) for account_type, status, level, month, n in
            _counted(user).annotate(level=slashes - 2, m=TruncMonth("created_at", tzinfo=_tz()))
            .values_list("account_type", "status", "level", "m").annotate(n=Count("id")).order_by()]


def live_closures(user, start: datetime) -> dict[date, int]:
    """同意关停 per Beijing month from `start` on (GB: every entry; a unit: its subtree's)."""
    entries = _scoped(_journal().filter(action=CLOSE, at__gte=start), user.org_unit)
    return {m.date(): n for m, n in entries.annotate(m=TruncMonth("at", tzinfo=_tz())).values_list("m")
            .annotate(n=Count("id")).order_by()}


def live_moves(user, since: datetime) -> dict[tuple[date, str, str], int]:
    """{(month, before label, after label): count} of the status changes from `since` on: ONE query."""
    entries = (_journal().filter(at__gte=since).exclude(scope_path="").exclude(status_before=F("status_after")))
    if not user.org_unit.is_root:
        entries = entries.filter(scope_path__startswith=user.org_unit.path)
    return {(m.date(), before, after): n for m, before, after, n in
            entries.annotate(m=TruncMonth("at", tzinfo=_tz())).values_list("m", "status_before", "status_after")
            .annotate(n=Count("id")).order_by()}


# --- from the rollup ---------------------------------------------------------------------------------

def usable_run() -> RollupRun | None:
    run = RollupRun.objects.order_by("-id").first()
    return None if run is None or run.stale else run


def recent_entries(user, since: datetime):
    """The viewer's media-account journal entries from `since` on (journal_scope / journal_recent)."""
    return _scoped(_journal().filter(at__gte=since), user.org_unit)


def journal_since(user, since: datetime) -> list[tuple]:
    """Those entries grouped: (action, before label, after label, has a path, Beijing month, count) — one query."""
    has_path = ExpressionWrapper(~Q(scope_path=""), output_field=BooleanField())
    return [(action, before, after, path, m.date(), n) for action, before, after, path, m, n in
            recent_entries(user, since).annotate(m=TruncMonth("at", tzinfo=_tz()), has_path=has_path)
            .values_list("action", "status_before", "status_after", "has_path", "m").annotate(n=Count("id")).order_by()]


def rollup_accounts(run: RollupRun, user, recent: list[tuple]) -> list[tuple[str, str, int, date, int]]:
    """The scope's rollup rows, with each account named by an entry since the rollup (`recent`
    not empty) counted as it is now instead of as the rollup saw it (`changed_since`); months
    before run.clamp summed into clamp, as in the rollup."""
    totals: dict[tuple, int] = defaultdict(int)
    for account_type, status, level, month, n in (AccountRollup.objects.filter(scope_path=scope_key(user.org_unit))
                                                  .values_list("account_type", "status", "level", "month", "count")):
        totals[(account_type, status, level, month)] += n
    for *key, n in changed_since(run, user, recent):
        totals[tuple(key)] += n
    return [(*key, n) for key, n in totals.items() if n]


def changed_since(run: RollupRun, user, recent: list[tuple]) -> list[tuple[str, str, int, date, int]]:
    """(type, status, level, month, ±count) that turn the rollup's rows into the accounts as they
    are now: each account named by an entry since the rollup (`recent` not empty) added as it is
    now and taken away as AccountState saw it — two grouped queries over the accounts the same
    entries name (a semi-join, whatever their number)."""
    if not recent:
        return []
    unit = user.org_unit
    named = recent_entries(user, run.as_of).values("subject_id")
    now = [(account_type, status, level_of(path), max(m.date(), run.clamp), n)
           for account_type, status, path, m, n in (_counted(user).filter(pk__in=named)
                                                     .annotate(m=TruncMonth("created_at", tzinfo=_tz()))
                                                     .values_list("account_type", "status", "org_path", "m")
                                                     .annotate(n=Count("id")).order_by())]
    before = AccountState.objects.filter(account_id__in=named)
    if not unit.is_root:
        before = before.filter(org_path__startswith=unit.path)
    return now + [(account_type, status, level_of(path), month, -n)
                  for account_type, status, path, month, n in (before.values_list("account_type", "status", "org_path", "month")
                                                               .annotate(n=Count("account_id")).order_by())]


# The grouping sets a page reads the rollup by: GROUPING(account_type, level, status) is the bit
# mask of the columns a row is NOT grouped by (4, 2, 1).
_BY_TYPE_MONTH, _BY_LEVEL_MONTH, _BY_STATUS = 3, 5, 6


def projections(rows, sums: tuple[dict, dict, dict] | None = None) -> tuple[dict, dict, dict]:
    """(type, status, level, month, count) rows summed as the account panels read them, onto `sums`
    if given: ({(type, month): n}, {(level, month): n}, {status: n}), without the zero sums."""
    by_type_month, by_level_month, by_status = (defaultdict(int, part) for part in (sums or ({}, {}, {})))
    for account_type, status, level, month, n in rows:
        by_type_month[account_type, month] += n
        by_level_month[level, month] += n
        by_status[status] += n
    return tuple({key: n for key, n in part.items() if n} for part in (by_type_month, by_level_month, by_status))


def rollup_projections(run: RollupRun, user, recent: list[tuple]) -> tuple[dict, dict, dict]:
    """rollup_accounts as the account panels read it (`projections`). On PostgreSQL the scope's
    rollup rows are summed by the database per grouping set (GROUPING SETS: a few hundred rows
    where GB's scope holds ~2,800 and more as types, levels and months fill in) and the changes
    since the rollup added here; elsewhere (the SQLite demo) the rows of rollup_accounts are summed
    here."""
    db = connections[AccountRollup.objects.db]
    if db.vendor != "postgresql":
        return projections(rollup_accounts(run, user, recent))
    sums: tuple[dict, dict, dict] = ({}, {}, {})
    with db.cursor() as cursor:
        cursor.execute(
            f'SELECT GROUPING(account_type, level, status), account_type, level, status, month, CAST(SUM("count") AS BIGINT) '
            f"FROM {db.ops.quote_name(AccountRollup._meta.db_table)} WHERE scope_path = %s "
            f"GROUP BY GROUPING SETS ((account_type, month), (level, month), (status))", [scope_key(user.org_unit)])
        for grouping, account_type, level, status, month, n in cursor.fetchall():
            if grouping == _BY_TYPE_MONTH:
                sums[0][account_type, month] = n
            elif grouping == _BY_LEVEL_MONTH:
                sums[1][level, month] = n
            elif grouping == _BY_STATUS:
                sums[2][status] = n
    return projections(changed_since(run, user, recent), sums)


def rollup_journal(user, recent: list[tuple]) -> tuple[dict, dict]:
    """({month: 同意关停}, {(month, before, after): status changes}) of the scope: the rollup's
    months plus the entries since (`recent`, grouped)."""
    closures: dict[date, int] = defaultdict(int)
    moves: dict[tuple, int] = defaultdict(int)
    for kind, month, before, after, n in (JournalRollup.objects.filter(scope_path=scope_key(user.org_unit))
                                          .values_list("kind", "month", "status_before", "status_after", "count")):
        if kind == "close":
            closures[month] += n
        else:
            moves[(month, before, after)] += n
    for action, before, after, has_path, month, n in recent:
        if action == CLOSE:
            closures[month] += n
        if before != after and has_path:
            moves[(month, before, after)] += n
    return dict(closures), dict(moves)


# --- the daily rebuild ---------------------------------------------------------------------------------

def _snapshot(counted) -> None:
    """AccountState := the counted accounts (one INSERT … SELECT on PostgreSQL)."""
    month = TruncMonth("created_at", tzinfo=_tz())
    rows = counted.annotate(m=month).values_list("id", "org_path", "account_type", "status", "m").order_by()
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO dashboard_accountstate (account_id, org_path, account_type, status, month) "
                           f"SELECT c.i, c.p, c.t, c.s, c.m::date FROM ({sql}) AS c (i, p, t, s, m)", params)
        return
    AccountState.objects.bulk_create((AccountState(account_id=i, org_path=p, account_type=t, status=s, month=m.date())
                                      for i, p, t, s, m in rows.iterator(chunk_size=BATCH)), batch_size=BATCH)


def rebuild(now: datetime | None = None) -> str:
    """The scheduled job: every rollup table rebuilt in one transaction (readers keep reading the
    previous one until it commits). Safe to run twice."""

    started = clock.monotonic()
    now = now or timezone.now()
    as_of = now - MARGIN
    clamp = add_months(timezone.localtime(as_of).date(), -CLAMP_MONTHS)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one rebuild at a time; SELECTs go on meanwhile
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE dashboard_rolluprun IN EXCLUSIVE MODE")
        AccountState.objects.all().delete()
        AccountRollup.objects.all().delete()
        JournalRollup.objects.all().delete()
        _snapshot(MediaAccount.objects.filter(removed_at__isnull=True).exclude(status=Status.DRAFT))

        accounts: dict[tuple, int] = defaultdict(int)
        for path, account_type, status, month, n in (AccountState.objects.values_list("org_path", "account_type", "status", "month")
                                                     .annotate(n=Count("account_id")).order_by().iterator(chunk_size=BATCH)):
            key = (account_type, status, level_of(path), max(month, clamp))
            for scope in scopes_of(path):
                accounts[(scope, *key)] += n
        AccountRollup.objects.bulk_create((AccountRollup(scope_path=s, account_type=t, status=st, level=lv, month=m, count=n)
                                           for (s, t, st, lv, m), n in sorted(accounts.items())), batch_size=BATCH)

        start = timezone.make_aware(datetime.combine(clamp, time()), _tz())
        entries = _journal().filter(at__gte=start, at__lt=as_of).annotate(m=TruncMonth("at", tzinfo=_tz()))
        journal: dict[tuple, int] = defaultdict(int)
        for path, m, n in entries.filter(action=CLOSE).values_list("scope_path", "m").annotate(n=Count("id")).order_by():
            for scope in scopes_of(path) if path else [""]:  # GB counts closures whatever their path
                journal[(scope, "close", m.date(), "", "")] += n
        for path, m, before, after, n in (entries.exclude(scope_path="").exclude(status_before=F("status_after"))
                                          .values_list("scope_path", "m", "status_before", "status_after")
                                          .annotate(n=Count("id")).order_by().iterator(chunk_size=BATCH)):
            for scope in scopes_of(path):
                journal[(scope, "move", m.date(), before, after)] += n
        JournalRollup.objects.bulk_create((JournalRollup(scope_path=s, kind=k, month=m, status_before=b, status_after=a, count=n)
                                           for (s, k, m, b, a), n in sorted(journal.items())), batch_size=BATCH)
        if connection.vendor == "postgresql":  # a scope's rows are adjacent (sorted); the planner learns their numbers
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE dashboard_accountstate, dashboard_accountrollup, dashboard_journalrollup")
        run = RollupRun.objects.create(as_of=as_of, clamp=clamp, seconds=clock.monotonic() - started)
        RollupRun.objects.filter(id__lte=run.id - KEEP_RUNS).delete()
    return (f"数据看板汇总：截至 {timezone.localtime(as_of):%Y-%m-%d %H:%M}，账号汇总 {len(accounts)} 行，"
            f"流水汇总 {len(journal)} 行，用时 {run.seconds:.1f} 秒")


def mark_stale(sender=None, **kwargs) -> None:
    """A subtree moved (its accounts' and entries' paths rewritten, no entry per account): the
    rollup no longer matches; the dashboard reads the tables themselves until the next rebuild."""
    RollupRun.objects.filter(stale=False).update(stale=True)
