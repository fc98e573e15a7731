"""数据看板 from rollups (issue 26 item 3): the daily rebuild and the entries since give every account
panel the figures the full-table aggregates give (compared panel by panel, for GB, provinces and
districts, and with direct ORM counts), after changes made between the rollup's time and the
rebuild and after it; a page costs the same queries whatever the data; the scoped journal query
is served by the journal_scope index; a subtree move sends the dashboard back to the tables."""
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts_media import services
from accounts_media.counts import _bump
from accounts_media.models import MediaAccount, Status
from dashboard.models import AccountRollup, JournalRollup, RollupRun
from dashboard.rollup import (journal_since, projections, rebuild, recent_entries, rollup_accounts, rollup_projections,
                              scopes_of)
from jobs.schedule import SCHEDULE, execute_entry
from tests.accounts_media.conftest import REVIEW_OK, approve, normal_account, reject, submit
from tests.dashboard.test_dashboard import panel_table
from tests.dashboard.test_status_over_time import REQUEST, SHANGHAI, history, wb  # noqa: F401 (history: a fixture)

NOW = datetime(2026, 3, 15, 10, tzinfo=SHANGHAI)
ACCOUNT_PANELS = ("accounts_by_type", "accounts_by_status", "accounts_by_level", "accounts_by_month",
                  "accounts_by_type_over_time", "accounts_by_level_over_time", "accounts_by_status_over_time")
VIEWERS = ("gb", "beijing", "haidian", "chaoyang", "tianjin", "heping")


def at(moment):
    return time_machine.travel(moment, tick=False)


def tables(client, login, user) -> dict:
    login(user)
    _bump()  # cold: the shared cache is for the generation before
    html = client.get("/dashboard/").content.decode()
    return {key: [(label, [v for v, _ in cells]) for label, cells in panel_table(html, key)]
            if f'data-testid="table-{key}"' in html else [] for key in ACCOUNT_PANELS}


def live_tables(client, login, user) -> dict:
    """The same page computed from the tables themselves (the rollup marked stale meanwhile)."""
    RollupRun.objects.filter(stale=False).update(stale=True)
    try:
        return tables(client, login, user)
    finally:
        RollupRun.objects.filter(pk=RollupRun.objects.order_by("-id").values("pk")[:1]).update(stale=False)


def orm_status_counts(unit) -> dict:
    """Direct ORM: the counted accounts of the unit's subtree per status label."""
    qs = MediaAccount.objects.filter(removed_at__isnull=True).exclude(status=Status.DRAFT)
    if not unit.is_root:
        qs = qs.filter(org_path__startswith=unit.path)
    labels = dict(Status.choices)
    return {labels[s]: [n] for s, n in qs.values_list("status").annotate(n=Count("id")).order_by()}


def orm_type_counts(unit) -> dict:
    from accounts_media.platforms import ACCOUNT_TYPES

    names = {t.code: t.name for t in ACCOUNT_TYPES}
    qs = MediaAccount.objects.filter(removed_at__isnull=True).exclude(status=Status.DRAFT)
    if not unit.is_root:
        qs = qs.filter(org_path__startswith=unit.path)
    return {names[t]: [n] for t, n in qs.values_list("account_type").annotate(n=Count("id")).order_by()}


def test_scope_keys_are_the_country_and_each_unit_on_the_path():
    assert scopes_of("/GB0000/110000/110108/") == ["", "/GB0000/110000/", "/GB0000/110000/110108/"]
    assert scopes_of("/GB0000/") == [""] and scopes_of("") == [""]


@pytest.mark.usefixtures("history")
def test_every_account_panel_from_the_rollup_equals_the_full_aggregates(client, chain, login):
    sz, gb = chain["shangzhuang"], chain["gb"]
    with at(NOW - timedelta(minutes=5)):  # after the rollup's time (NOW − 10 min), before its rebuild: in both
        moved = submit(sz, **wb(20))
    with at(NOW):
        assert "数据看板汇总" in rebuild()
    run = RollupRun.objects.get()
    assert run.as_of == NOW - timedelta(minutes=10) and not run.stale
    assert AccountRollup.objects.filter(scope_path="/GB0000/110000/").exists()
    assert JournalRollup.objects.filter(scope_path="", kind="close").exists()
    later = NOW + timedelta(hours=2)
    with at(later):  # today's changes, after the rebuild: read from the journal
        approve(moved, chain["haidian"])
        fresh = submit(sz, **wb(21))
        reject(fresh, chain["haidian"])
        normal_account(chain, "tianjin_filer", **wb(22))
        closing = normal_account(chain, **wb(23))
        approve(services.perform(closing, "request_close", sz, REQUEST), chain["haidian"])
        gone = normal_account(chain, "yanyuan", **wb(24))
        services.perform(gone, "delete", gb, {"reason": "按正式来函退出监管"})
        restored = MediaAccount.objects.get(platform_id="7001")  # A: 恢复 granted in March
        approve(services.perform(restored, "request_close", sz, REQUEST), chain["haidian"], **REVIEW_OK)
    with at(later + timedelta(minutes=1)):
        changed = 0
        for who in VIEWERS:
            user = chain[who]
            with CaptureQueriesContext(connection) as rolled:
                from_rollup = tables(client, login, user)
            assert any("dashboard_accountrollup" in q["sql"] for q in rolled.captured_queries), who
            assert not any("REPLACE(" in q["sql"] for q in rolled.captured_queries), who  # no scan of the accounts
            assert from_rollup == live_tables(client, login, user), who
            assert dict(from_rollup["accounts_by_status"]) == orm_status_counts(user.org_unit), who
            assert dict(from_rollup["accounts_by_type"]) == orm_type_counts(user.org_unit), who
            # The database's grouping sets of the rollup equal the rows summed here (the SQLite path).
            recent = journal_since(user, run.as_of)
            changed += bool(recent)
            assert rollup_projections(run, user, recent) == projections(rollup_accounts(run, user, recent)), who
        assert 0 < changed < len(VIEWERS)  # viewers with changes since the rollup and without
        figures = tables(client, login, chain["beijing"])
        assert dict(figures["accounts_by_month"])["2026-03"][1] == 2  # today's closures: A again and the new one
    with at(later + timedelta(days=1, minutes=30)):  # the next night's rebuild: the same figures
        rebuild()
        assert RollupRun.objects.count() == 2
        for who in VIEWERS:
            assert tables(client, login, chain[who]) == live_tables(client, login, chain[who]), who


@pytest.mark.usefixtures("history")
def test_the_page_costs_the_same_queries_whatever_the_data(client, chain, login, tree):
    def cold_queries(who, moment):
        with at(moment):
            login(chain[who])
            client.get("/dashboard/")
            _bump()
            with CaptureQueriesContext(connection) as cold:
                assert client.get("/dashboard/").status_code == 200
            with CaptureQueriesContext(connection) as warm:
                client.get("/dashboard/")
        return len(cold), len(warm), cold

    with at(NOW - timedelta(hours=1)):
        submit(chain["shangzhuang"], **wb(99))  # a request waiting in 北京市 and 海淀区 from the start
    with at(NOW):
        rebuild()
    before = {who: cold_queries(who, NOW + timedelta(hours=1)) for who in ("gb", "beijing", "haidian")}
    with at(NOW + timedelta(hours=2)):
        for i in range(12):
            normal_account(chain, "tianjin_filer", **wb(100 + i))
            submit(chain["shangzhuang"], **wb(200 + i))
    with at(NOW + timedelta(hours=3)):
        rebuild()
    after = {who: cold_queries(who, NOW + timedelta(hours=4)) for who in ("gb", "beijing", "haidian")}
    for who in before:
        assert after[who][:2] == before[who][:2], who
        cold = after[who][2].captured_queries
        rollup_reads = [q["sql"] for q in cold if "dashboard_" in q["sql"] or "reviews_journalentry" in q["sql"]]
        assert len(rollup_reads) <= 4, (who, rollup_reads)  # the run, the two rollups, the entries since
        waiting = [q["sql"] for q in cold if "reviewer_id" in q["sql"] and "GROUP BY" in q["sql"]]
        assert len(waiting) == 2, who  # the waiting requests by age bucket, and by unit (dashboard/waiting.py)
        # warm: none of them (nor the names of the units most waited at): every panel is kept rendered
        assert after[who][1] <= after[who][0] - len(rollup_reads) - len(waiting) and after[who][1] <= 4
    with at(NOW + timedelta(hours=5)):  # changes today: two more lookups by primary key, whatever their number
        for i in range(5):
            submit(chain["shangzhuang"], **wb(300 + i))
    few = cold_queries("beijing", NOW + timedelta(hours=6))[0]
    assert few == after["beijing"][0] + 2  # the accounts named: as they are now, as the rollup saw them
    with at(NOW + timedelta(hours=7)):
        for i in range(10):
            submit(chain["shangzhuang"], **wb(400 + i))
    assert cold_queries("beijing", NOW + timedelta(hours=8))[0] == few


class Rollback(Exception):
    pass


@pytest.mark.usefixtures("history")
def test_the_scoped_journal_query_uses_the_journal_scope_index(chain):
    """The test table is tiny, so every plan costs about the same and the planner may take any
    index as a full scan. It is shown only what is left: no sequential scan and no index but the
    partial ones (inside a transaction rolled back). With `scope_path <> ''` the partial index
    journal_scope serves the county's query; without it, it cannot."""
    from reviews.models import JournalEntry

    since = NOW - timedelta(days=400)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP INDEX journal_subject, journal_recent, journal_action, journal_actor_unit, journal_address")
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'reviews_journalentry'::regclass "
                           "AND contype IN ('p', 'u')")
            constraints = cursor.fetchall()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own deferred checks, before ALTER TABLE
            for (name,) in constraints:  # the primary key and journal_chain_place: their indexes too
                cursor.execute(f'ALTER TABLE reviews_journalentry DROP CONSTRAINT "{name}" CASCADE')
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = recent_entries(chain["haidian"], since).explain()
            without = (JournalEntry.objects.filter(subject_type="media_account", at__gte=since,
                                                   scope_path__startswith=chain["haidian"].org_unit.path)
                       .order_by().explain())
            raise Rollback
    except Rollback:
        pass
    assert "journal_scope" in plan, plan
    assert "journal_scope" not in without, without


@pytest.mark.usefixtures("history")
def test_the_daily_job_is_on_the_schedule_and_a_subtree_move_marks_it_stale(chain, tree):
    from orgtree.services import move_org_unit

    entry = SCHEDULE["dashboard_rollup"]
    assert entry.daily_at.hour == 0 and entry.daily_at.minute == 20
    with at(NOW):
        execute_entry("dashboard_rollup", "2026-03-15")
    assert RollupRun.objects.filter(stale=False).count() == 1
    move_org_unit(tree["110108"], tree["120000"], user=chain["gb"])
    assert not RollupRun.objects.filter(stale=False).exists()


@pytest.mark.parametrize("who", ["beijing", "haidian"])
def test_a_scope_with_no_accounts_in_the_rollup_reads_zero_rows(client, chain, login, who, tree):
    with at(NOW):
        rebuild()
        assert not AccountRollup.objects.exists()
        assert all(rows == [] for key, rows in tables(client, login, chain[who]).items()
                   if key in ("accounts_by_type", "accounts_by_status", "accounts_by_level"))
