"""The two 待审核 panels from one grouped scan per table, kept in the shared cache per scope until
the next change (dashboard/waiting.py): their figures equal direct aggregates for GB, a province
and a district, warm and cold, after a new request, an approval and a website's 下线申请, and at
each side of an age bucket's edge (ages counted per view: no stale bucket when the clock moves)."""
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
    return [q["sql"] for q in captured.captured_queries if "reviewer_since" in q["sql"] and "GROUP BY" in q["sql"]]


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
def test_ages_are_counted_per_view_across_a_bucket_edge(chain):
    arrived = datetime(2026, 2, 10, 10, tzinfo=SHANGHAI)  # the registry's requests reached their units then
    edge = arrived + timedelta(days=14)                   # the 7–13 / 14–29 edge (REVIEW_AGEING_DAYS 7)
    just_before = edge - timedelta(microseconds=1)
    with time_machine.travel(NOW, tick=False):  # (the cache's own clock: within its hour)
        shown(chain["gb"], "pending_by_age", NOW)  # cached from here on, no change below
        with CaptureQueriesContext(connection) as captured:
            before = shown(chain["gb"], "pending_by_age", just_before)
            after = shown(chain["gb"], "pending_by_age", edge)
    assert not waiting_queries(captured)
    assert before["7–13天（超期）"] == [4, 0, 0] and before["14–29天（超期）"] == [0, 0, 0]
    assert after["7–13天（超期）"] == [0, 0, 0] and after["14–29天（超期）"] == [4, 0, 0]
    for moment in (just_before, edge, edge + timedelta(days=16)):
        for who in VIEWERS:
            assert shown(chain[who], "pending_by_age", moment) == direct_by_age(chain[who], moment), (who, moment)


@pytest.mark.usefixtures("registry")
def test_the_page_keeps_the_age_panel_rendered_until_the_next_bucket_edge(client, chain, login):
    """数据看板 keeps 待审核（按等待时长） rendered only until the next moment a request's age crosses
    a bucket edge (dashboard.waiting.Waiting.next_change): before it the kept table, at it the new one."""
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
    """dashboard.waiting._scan_rows (the demo's SQLite has no arrays or window functions) gives
    the same units, arrival times and running counts as PostgreSQL's one-statement scan."""
    with time_machine.travel(NOW, tick=False):
        site = _done_site(chain)
        request_offline(site)
        for who in VIEWERS:
            arrays = scan(chain[who])
            rows = _scan_rows(chain[who])
            assert rows.top_units == arrays.top_units, who
            assert [(list(t), list(r)) for t, r in rows.arrivals] == [(list(t), list(r)) for t, r in arrays.arrivals], who
        assert any(sum(counts) for _, counts in scan(chain["gb"]).top_units)
