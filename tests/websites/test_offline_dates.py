"""临时下线 starts on its 下线日期 and ends on its 恢复开通时间 by itself (the daily job, the clock
moved with time-machine); 紧急下线 past its expected date is flagged, not reopened."""
import threading
from datetime import datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from reviews.models import JournalEntry
from tests.conftest import requires_postgres
from tests.websites.test_websites import _done_site, offline
from websites import services
from websites.models import Offline, RunStatus, Website

SH = ZoneInfo("Asia/Shanghai")


def at(day, hour=0, minute=5):
    """A moment of that Beijing day (the machine clock is UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=SH)


def last_entry(site):
    return JournalEntry.objects.filter(subject_type="website", subject_id=site.pk).order_by("id").last()


def approve_up_the_chain(client, login, chain, site):
    for reviewer in ("haidian", "beijing"):
        login(chain[reviewer])
        client.post(f"/websites/review/{site.pk}/offline/approve_offline/")


def test_a_temporary_offline_starts_and_ends_on_its_dates(client, chain, login):
    site = _done_site(chain)
    today = timezone.localdate()
    start, reopen = today + timedelta(days=10), today + timedelta(days=20)
    login(site.operator_user)
    offline(client, kind="temporary", offline_from=start.isoformat(), offline_until=reopen.isoformat(), reason="改版")
    approve_up_the_chain(client, login, chain, site)
    site.refresh_from_db()
    # Approved, but the site stays 正常 until its 下线日期.
    assert (site.offline_state, site.run_status) == (Offline.APPROVED, RunStatus.NORMAL)
    assert site.run_status_label == f"正常（临时下线审核通过，将于{start:%Y-%m-%d}下线，{reopen:%Y-%m-%d}恢复开通）"
    assert site.operator_run_label == "下线申请通过"

    with time_machine.travel(at(start - timedelta(days=1), 23, 55)):
        assert services.apply_due_offline_dates(timezone.localdate()) == {"start_temporary_offline": 0, "end_temporary_offline": 0}
    with time_machine.travel(at(start)):
        out = StringIO()
        call_command("apply_offline_dates", stdout=out)
        assert "开始临时下线 1 个" in out.getvalue()
        site.refresh_from_db()
        assert (site.run_status, site.offline_state, site.temp_offline_year) == (RunStatus.TEMP_OFFLINE, Offline.NONE, start.year)
        entry = last_entry(site)
        assert (entry.action_label, entry.status_before, entry.status_after, entry.actor_unit_name, entry.actor) == (
            "临时下线", "正常", "临时下线", "系统", None)
        # Run again (a second node, a retry): nothing more happens.
        assert services.apply_due_offline_dates(timezone.localdate())["start_temporary_offline"] == 0
        assert JournalEntry.objects.filter(subject_id=site.pk, action="start_temporary_offline").count() == 1
    with time_machine.travel(at(reopen - timedelta(days=1), 12)):
        services.apply_due_offline_dates(timezone.localdate())
        site.refresh_from_db()
        assert site.run_status == RunStatus.TEMP_OFFLINE
    with time_machine.travel(at(reopen)):
        call_command("apply_offline_dates", stdout=StringIO())
        site.refresh_from_db()
        assert (site.run_status, site.offline_kind, site.offline_until) == (RunStatus.NORMAL, "", None)
        entry = last_entry(site)
        assert (entry.action_label, entry.status_before, entry.status_after, entry.actor_unit_name) == (
            "恢复开通", "临时下线", "正常", "系统")
        # A second temporary offline in the same year is still refused (once a year).
        login(site.operator_user)
        html = offline(client, kind="temporary", offline_from=(reopen + timedelta(days=1)).isoformat(),
                       offline_until=(reopen + timedelta(days=3)).isoformat()).content.decode()
        if (reopen + timedelta(days=1)).year == start.year:
            assert "临时下线每年不得超过 1 次" in html


def test_an_approval_on_or_after_the_offline_date_starts_it_at_once(client, chain, login):
    site = _done_site(chain)
    today = timezone.localdate()
    login(site.operator_user)
    offline(client, kind="temporary", offline_from=(today + timedelta(days=1)).isoformat(),
            offline_until=(today + timedelta(days=6)).isoformat())
    with time_machine.travel(at(today + timedelta(days=2), 10)):  # the review took two days
        approve_up_the_chain(client, login, chain, site)
        site.refresh_from_db()
        assert site.run_status == RunStatus.TEMP_OFFLINE
        labels = list(JournalEntry.objects.filter(subject_id=site.pk).order_by("id").values_list("action_label", flat=True))
        assert labels[-3:] == ["同意下线", "同意下线", "临时下线"]


def test_an_overdue_emergency_offline_is_flagged_to_the_chain_not_reopened(client, chain, login):
    site = _done_site(chain)
    until = timezone.localdate() + timedelta(days=3)
    login(chain["gb"])
    client.post(f"/websites/review/{site.pk}/offline/emergency_offline/", {"offline_until": until.isoformat(), "reason": "漏洞"})
    site.refresh_from_db()
    assert site.run_status == RunStatus.EMERGENCY_OFFLINE and not site.emergency_overdue
    with time_machine.travel(at(until, 9)):  # the expected day itself: not yet overdue
        assert not Website.objects.get(pk=site.pk).emergency_overdue
    with time_machine.travel(at(until + timedelta(days=1), 9)):
        services.apply_due_offline_dates(timezone.localdate())
        site.refresh_from_db()
        assert site.run_status == RunStatus.EMERGENCY_OFFLINE and site.emergency_overdue
        assert "已超过预计上线日期" in site.run_status_label
        login(chain["haidian"])
        html = client.get("/websites/review/").content.decode()
        assert '<tr class="table-warning">' in html and "紧急下线已逾期" in html
        overdue = client.get("/websites/offline-reviews/").content.decode()
        assert "紧急下线已超过预计上线日期" in overdue and 'data-transition="restore_site"' in overdue
        client.post(f"/websites/review/{site.pk}/offline/restore_site/")
        site.refresh_from_db()
        assert site.run_status == RunStatus.NORMAL


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_offline_job_on_two_nodes_at_once_moves_each_site_once():
    from tests.factories import make_small_tree
    from tests.reviews.test_guards import _site

    tree = make_small_tree()
    today = timezone.localdate()
    for n in range(8):
        _site(tree, n, filing="done", offline_state=Offline.APPROVED, offline_kind="temporary", offline_from=today,
              offline_until=today + timedelta(days=5))
    results = []

    def job():
        try:
            results.append(services.apply_due_offline_dates(today))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["start_temporary_offline"] for r in results) == 8
    assert set(Website.objects.values_list("run_status", flat=True)) == {RunStatus.TEMP_OFFLINE}
    assert JournalEntry.objects.filter(action="start_temporary_offline").count() == 8


def test_an_emergency_cancels_a_temporary_offline_under_way_and_says_so(client, chain, login):
    site = _done_site(chain)
    today = timezone.localdate()
    login(site.operator_user)
    offline(client, kind="temporary", offline_from=(today + timedelta(days=5)).isoformat(),
            offline_until=(today + timedelta(days=15)).isoformat())
    login(chain["beijing"])
    client.post(f"/websites/review/{site.pk}/offline/emergency_offline/",
                {"offline_until": (today + timedelta(days=2)).isoformat(), "reason": "安全漏洞"})
    site.refresh_from_db()
    assert (site.run_status, site.offline_state, site.offline_reviewer, site.offline_until) == (
        RunStatus.EMERGENCY_OFFLINE, Offline.NONE, None, today + timedelta(days=2))
    assert last_entry(site).reason == "安全漏洞（进行中的临时下线申请随之取消）"
    client.post(f"/websites/review/{site.pk}/offline/restore_site/")
    site.refresh_from_db()
    assert (site.run_status, site.offline_until, site.offline_kind) == (RunStatus.NORMAL, None, "")
    # The job finds nothing left to start on the old date.
    assert services.apply_due_offline_dates(today + timedelta(days=5)) == {"start_temporary_offline": 0,
                                                                           "end_temporary_offline": 0}
