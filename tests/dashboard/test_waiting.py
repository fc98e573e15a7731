"""The two 待审核 panels from a few grouped statements over the waiting requests, kept in the
shared cache per scope until the next change or the next moment an age crosses a bucket edge
(dashboard/waiting.py, decision 0068): their figures equal direct aggregates for GB, a province and
a district, warm and cold, after a new request, an approval and a website's 下线申请, and at each
side of an age bucket's edge (no stale bucket when the clock moves)."""
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from dashboard.ageing import SOURCES, ageing_days, waiting_in_scope
from dashboard.panels import PANELS, Viewer, age_buckets
from dashboard.waiting import _scan_rows, scan
from tests.accounts_media.conftest import approve, submit
from tests.dashboard.test_dashboard import SHANGHAI, WB, registry  # noqa: F401 (registry: a fixture)
from tests.dashboard.test_offline_ageing import request_offline
from tests.websites.test_websites import _done_site

VIEWERS = ("gb", "beijing", "haidian", "chaoyang", "tianjin")
NOW = datetime(2026, 2, 20, 10, tzinfo=SHANGHAI)


def direct_by_age(user, now) -> dict:
    """One COUNT per source and bucket, straight on the tables."""
    figures = {}
    for a, b, label in age_buckets():
        row = []
        for source in SOURCES:
            qs = waiting_in_scope(user, source).filter(**{f"{source.since}__lte": now - timedelta(days=a)})
            if b is not None:
                qs = qs.filter(**{f"{source.since}__gt": now - timedelta(days=b)})
            row.append(qs.count())
        figures[label + ("（超期）" if a >= ageing_days() else "")] = row
    return figures


def direct_by_unit(user) -> dict:
    per_unit: dict = {}
    for n, source in enumerate(SOURCES):
        for name, code, count in (waiting_in_scope(user, source).values_list(f"{source.reviewer}__name", f"{source.reviewer}__code")
                                  .annotate(c=Count("id")).order_by()):
            per_unit.setdefault(f"{name}（{code}）", [0] * len(SOURCES))[n] = count
    return per_unit


def shown(user, key, now) -> dict:
    return {row[0]: row[1:] for row in PANELS[key].build(Viewer(user, now)).rows}


def assert_equal_to_direct(chain, now):
    for who in VIEWERS:
        user = chain[who]
        assert shown(user, "pending_by_age", now) == direct_by_age(user, now), who
        assert shown(user, "pending_by_unit", now) == direct_by_unit(user), who


def waiting_queries(captured) -> list[str]:
    """The statements of dashboard.waiting.scan: the age buckets and the units most waited at."""
    return [q["sql"] for q in captured.captured_queries if "reviewer_id" in q["sql"] and "GROUP BY" in q["sql"]]


@pytest.mark.usefixtures("registry")
def test_the_waiting_panels_equal_direct_aggregates_through_changes_warm(chain):
    with time_machine.travel(NOW, tick=False):
        assert_equal_to_direct(chain, NOW)  # cold: counted
        with CaptureQueriesContext(connection) as warm:
            figures = shown(chain["gb"], "pending_by_age", NOW)
            shown(chain["gb"], "pending_by_unit", NOW)
        assert not waiting_queries(warm)  # warm: from the shared cache, no scan of the waiting requests
        assert figures["7–13天（超期）"] == [4, 0, 0]

        new = submit(chain["shangzhuang"], **WB, url="https://weibo.com/u/9001", platform_id="9001", name="新申请")
        assert shown(chain["haidian"], "pending_by_unit", NOW)["海淀区（110108）"] == [2, 0, 0]  # not the cached 1
        assert_equal_to_direct(chain, NOW)

        approve(new, chain["haidian"])  # it now waits at 北京市, since now
        assert shown(chain["beijing"], "pending_by_unit", NOW)["北京市（110000）"] == [2, 0, 0]
        assert shown(chain["gb"], "pending_by_age", NOW)["0–2天"] == [1, 0, 0]
        assert_equal_to_direct(chain, NOW)

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        site = _done_site(chain)
        shown(chain["haidian"], "pending_by_unit", NOW)  # cached before the request below
        request_offline(site)  # a website's transition: the engine observer moves the generation
        assert shown(chain["haidian"], "pending_by_unit", NOW)["海淀区（110108）"] == [1, 0, 1]
        assert_equal_to_direct(chain, NOW + timedelta(days=1))


@pytest.mark.usefixtures("registry")
def test_the_kept_figures_hold_until_an_age_crosses_a_bucket_edge_then_are_counted_again(chain):
    arrived = datetime(2026, 2, 10, 10, tzinfo=SHANGHAI)  # the registry's requests reached their units then
    edge = arrived + timedelta(days=14)                   # the 7–13 / 14–29 edge (REVIEW_AGEING_DAYS 7)
    just_before = edge - timedelta(microseconds=1)
    with time_machine.travel(NOW, tick=False):  # (the cache's own clock: within its hour)
        shown(chain["gb"], "pending_by_age", NOW)  # counted and kept from here on, no change below
        with CaptureQueriesContext(connection) as kept:
            before = shown(chain["gb"], "pending_by_age", just_before)
        with CaptureQueriesContext(connection) as crossed:
            after = shown(chain["gb"], "pending_by_age", edge)
            again = shown(chain["gb"], "pending_by_age", edge + timedelta(hours=1))
    assert not waiting_queries(kept)  # no age crossed an edge: the kept figures
    assert len(waiting_queries(crossed)) == 2  # counted again at the edge (buckets, units), then kept again
    assert before["7–13天（超期）"] == [4, 0, 0] and before["14–29天（超期）"] == [0, 0, 0]
    assert after["7–13天（超期）"] == [0, 0, 0] and after["14–29天（超期）"] == [4, 0, 0]
    assert again == after
    for moment in (just_before, edge, edge + timedelta(days=16)):
        for who in VIEWERS:
            assert shown(chain[who], "pending_by_age", moment) == direct_by_age(chain[who], moment), (who, moment)


def test_a_waiting_is_valid_until_the_oldest_arrival_younger_than_an_edge_crosses_it():
    """Waiting.valid_until: per edge, the oldest arrival among the places younger than it, plus the
    edge; an arrival stamped after `as_of` (a clock ahead) is counted in no bucket and crosses at 0."""
    from dashboard.waiting import Waiting

    as_of = datetime(2026, 3, 1, 12, tzinfo=SHANGHAI)
    edges = (0, 3, 7)
    day = timedelta(days=1)
    waiting = Waiting(as_of, edges, [[0, 2, 1, 5]], [[None, as_of - day, as_of - 5 * day, as_of - 40 * day]], [])
    # Edge 3: the oldest under 3 days arrived a day ago → crosses in 2 days; edge 7: 5 days ago → in 2
    # days too; the earliest wins. Nothing younger than 0 days.
    assert waiting.valid_until == as_of + 2 * day
    assert (waiting.between(0, 0, 3), waiting.between(0, 3, 7), waiting.between(0, 7, None), waiting.between(0, 0, None)) == (2, 1, 5, 8)
    assert waiting.covers(as_of) and waiting.covers(as_of + 2 * day - timedelta(microseconds=1))
    assert not waiting.covers(as_of + 2 * day) and not waiting.covers(as_of - timedelta(seconds=1))
    ahead = Waiting(as_of, edges, [[1, 0, 0, 0]], [[as_of + timedelta(seconds=3), None, None, None]], [])
    assert ahead.valid_until == as_of + timedelta(seconds=3) and ahead.between(0, 0, None) == 0
    with pytest.raises(ValueError):
        waiting.between(0, 1, 3)  # not a bucket edge


@pytest.mark.usefixtures("registry")
def test_the_page_keeps_the_age_panel_rendered_until_the_next_bucket_edge(client, chain, login):
    """数据看板 keeps 待审核（按等待时长） rendered only until the next moment a request's age crosses
    a bucket edge (dashboard.waiting.Waiting.valid_until): before it the kept table, at it the new one."""
    from tests.dashboard.test_dashboard import panel_table

    arrived = datetime(2026, 2, 10, 10, tzinfo=SHANGHAI)
    edge = arrived + timedelta(days=14)  # the 7–13 / 14–29 edge of the registry's four requests

    def age_rows(moment):
        with time_machine.travel(moment, tick=False):
            login(chain["gb"])
            return {label: [value for value, _ in cells]
                    for label, cells in panel_table(client.get("/dashboard/").content.decode(), "pending_by_age")}

    first = age_rows(edge - timedelta(minutes=30))  # counted and kept (for at most an hour)
    assert first["7–13天（超期）"] == [4, 0, 0] and first["14–29天（超期）"] == [0, 0, 0]
    with CaptureQueriesContext(connection) as kept:
        assert age_rows(edge - timedelta(seconds=2)) == first
    assert not waiting_queries(kept)  # read from the cache, not counted again
    crossed = age_rows(edge)
    assert crossed["7–13天（超期）"] == [0, 0, 0] and crossed["14–29天（超期）"] == [4, 0, 0]


@pytest.mark.usefixtures("registry")
def test_the_rows_scan_of_the_sqlite_demo_equals_the_postgresql_scan(chain):
    """dashboard.waiting._scan_rows (the SQLite demo, counted in Python) gives the same buckets,
    oldest arrivals, validity and units as PostgreSQL's grouped statements."""
    edges = tuple(a for a, _, _ in age_buckets())
    with time_machine.travel(NOW, tick=False):
        site = _done_site(chain)
        request_offline(site)
        for who in VIEWERS:
            grouped = scan(chain[who], NOW, edges)
            rows = _scan_rows(chain[who], NOW, edges)
            assert (rows.counts, rows.oldest, rows.top_units, rows.valid_until) == (
                grouped.counts, grouped.oldest, grouped.top_units, grouped.valid_until), who
        gb = scan(chain["gb"], NOW, edges)
        assert any(sum(counts) for _, counts in gb.top_units) and gb.valid_until is not None
