"""The scheduler, with the clock moved (time-machine): each entry runs once per period however
many nodes tick, on the queue's worker; the 16:00 site codes; expired export files removed."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from jobs import schedule
from jobs.models import Job, ScheduledRun
from tests.jobs_helpers import run_queued_jobs

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


def test_every_entry_is_declared_and_importable():
    from django.utils.module_loading import import_string

    assert {"site_codes", "expired_exports", "stalled_jobs", "prune_job_records"} <= set(schedule.SCHEDULE)
    for entry in schedule.SCHEDULE.values():
        assert callable(import_string(entry.func)), entry.name
    with pytest.raises(ValueError):
        schedule.schedule("bad", "x.y")  # neither every= nor daily_at=


def test_periods_daily_after_its_time_and_by_interval():
    daily = schedule.SCHEDULE["site_codes"]
    assert daily.period(at(2026, 12, 1, 15, 59)) == "2026-11-30"   # before 16:00: yesterday's run is the due one
    assert daily.period(at(2026, 12, 1, 16, 0)) == "2026-12-01"
    assert daily.period(at(2026, 12, 2, 0, 30)) == "2026-12-01"    # Beijing time, whatever the machine clock
    hourly = schedule.SCHEDULE["expired_exports"]
    assert hourly.period(at(2026, 12, 1, 9, 59)) == "2026-12-01T09:00"
    assert hourly.period(at(2026, 12, 1, 10, 0)) == "2026-12-01T10:00"


def test_two_nodes_ticking_in_the_same_period_enqueue_each_entry_once(db):
    with time_machine.travel(at(2026, 12, 1, 16, 0, 5), tick=False):
        first = schedule.tick()
        second = schedule.tick()  # the other node, same minute
        call_command("run_scheduled", verbosity=0)  # and the timer's command
    assert "site_codes@2026-12-01" in first and second == []
    assert ScheduledRun.objects.filter(name="site_codes").count() == 1
    with time_machine.travel(at(2026, 12, 1, 16, 1, 5), tick=False):
        assert schedule.tick() == ["stalled_jobs@2026-12-01T16:01"]  # the minute's watchdog only


def _approved_site(chain, when):
    from websites import services
    from websites.models import Filing, Website
    from tests.websites.test_websites import apply_online

    apply_online(Client())
    site = Website.objects.get()
    services.perform(site, "submit", chain["haidian"])
    services.perform(site, "approve", chain["haidian"], {"result_label": "审核通过"})
    site.refresh_from_db()
    services.perform(site, "approve", chain["beijing"], {"result_label": "审核通过", "now": when})
    site.refresh_from_db()
    assert site.filing == Filing.DONE
    return site


def test_the_1600_site_codes_run_from_the_scheduler_on_the_worker(chain):
    site = _approved_site(chain, at(2026, 11, 23, 15, 30))
    with time_machine.travel(at(2026, 11, 23, 15, 59, 30), tick=False):
        schedule.tick()
        run_queued_jobs()
    site.refresh_from_db()
    assert site.site_code is None  # 15:59: the due run is yesterday's, before this approval
    with time_machine.travel(at(2026, 11, 23, 16, 0, 30), tick=False):
        schedule.tick()
        run_queued_jobs()
    site.refresh_from_db()
    assert site.site_code and site.site_code.startswith("110108")
    run = ScheduledRun.objects.get(name="site_codes", period="2026-11-23")
    assert run.started_at and run.finished_at and run.result == "1" and run.error == ""
    with time_machine.travel(at(2026, 11, 23, 16, 30), tick=False):
        assert "site_codes@2026-11-23" not in schedule.tick()  # once a day


def test_a_missed_1600_tick_runs_at_the_next_one(chain):
    site = _approved_site(chain, at(2026, 11, 23, 15, 30))
    with time_machine.travel(at(2026, 11, 24, 9, 0), tick=False):  # the nodes were down from 15:00 to 09:00
        assert "site_codes@2026-11-23" in schedule.tick()
        run_queued_jobs()
    site.refresh_from_db()
    assert site.site_code


def test_expired_export_files_are_removed_after_three_days(chain):
    name = default_storage.save("exports/test/old.xlsx", ContentFile(b"x"))
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        from django.utils import timezone

        job = Job.objects.create(title="t", requested_by=chain["gb"], scope="s", status=Job.Status.DONE,
                                 result_name=name, finished_at=timezone.now(),
                                 expires_at=timezone.now() + timedelta(days=3))
    with time_machine.travel(at(2026, 12, 4, 9, 30), tick=False):
        schedule.tick()
        run_queued_jobs()
    assert default_storage.exists(name)  # not yet three days
    with time_machine.travel(at(2026, 12, 4, 10, 30), tick=False):
        schedule.tick()
        run_queued_jobs()
    job.refresh_from_db()
    assert not default_storage.exists(name) and job.result_name == ""
    assert ScheduledRun.objects.get(name="expired_exports", period="2026-12-04T10:00").result == "删除过期导出文件 1 个"


def test_a_failing_entry_is_recorded_and_the_others_still_run(db, monkeypatch):
    monkeypatch.setitem(schedule.SCHEDULE, "broken", schedule.Entry("broken", "jobs.schedule.no_such_function",
                                                                     every=timedelta(minutes=1), inline=True))
    with time_machine.travel(at(2026, 12, 1, 10, 0, 5), tick=False):
        started = schedule.tick()
    assert "broken@2026-12-01T10:00" in started and "stalled_jobs@2026-12-01T10:00" in started
    assert ScheduledRun.objects.get(name="broken").error
    assert ScheduledRun.objects.get(name="stalled_jobs").error == ""


def test_old_records_are_pruned(db):
    with time_machine.travel(at(2026, 11, 1, 10, 0), tick=False):
        ScheduledRun.objects.create(name="x", period="old")
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        assert schedule.prune_records(at(2026, 12, 1, 10, 0)).startswith("清理定时任务记录 1 条")


def test_a_temporary_offline_starts_and_ends_on_its_dates_from_the_scheduler(chain):
    from datetime import date

    from tests.websites.test_websites import _done_site
    from websites.models import Offline, RunStatus, Website

    site = _done_site(chain)
    Website.objects.filter(pk=site.pk).update(offline_state=Offline.APPROVED, offline_kind="temporary",
                                              offline_from=date(2026, 12, 10), offline_until=date(2026, 12, 20))
    for day, expected in ((at(2026, 12, 9, 23, 59), RunStatus.NORMAL), (at(2026, 12, 10, 0, 6), RunStatus.TEMP_OFFLINE),
                          (at(2026, 12, 19, 12, 0), RunStatus.TEMP_OFFLINE), (at(2026, 12, 20, 0, 6), RunStatus.NORMAL)):
        with time_machine.travel(day, tick=False):
            schedule.tick()
            run_queued_jobs()
        site.refresh_from_db()
        assert site.run_status == expected, day
    assert ScheduledRun.objects.filter(name="offline_dates").count() == 4  # 12-09 (the 8th's due run) … 12-20


def test_the_cleanups_of_other_apps_run_from_the_scheduler(db):
    from captcha.models import CaptchaStore

    from govmedia.common.storage import STAGING_PREFIX

    with time_machine.travel(at(2026, 12, 1, 8, 0), tick=False):
        CaptchaStore.generate_key()
        staged = default_storage.save(f"{STAGING_PREFIX}test/old.xlsx", ContentFile(b"x"))
    assert CaptchaStore.objects.count() == 1
    with time_machine.travel(at(2026, 12, 2, 10, 0, 5), tick=False):  # a day later, after 03:40
        started = schedule.tick()
        run_queued_jobs()
    assert {"captchas@2026-12-02T10:00", "staging_files@2026-12-02"} <= set(started)
    assert CaptchaStore.objects.count() == 0
    assert not default_storage.exists(staged)
    assert ScheduledRun.objects.get(name="captchas").result == "1"
    assert ScheduledRun.objects.get(name="staging_files").result == "1"


def test_the_open_data_snapshot_runs_daily_from_the_scheduler(chain):
    with time_machine.travel(at(2026, 12, 2, 2, 0, 30), tick=False):
        assert "open_data@2026-12-02" in schedule.tick()
        run_queued_jobs()
    run = ScheduledRun.objects.get(name="open_data", period="2026-12-02")
    assert run.error == "" and "2026-12-02" in run.result


def test_the_self_check_reminders_run_daily_from_the_scheduler(db, monkeypatch):
    seen = []
    monkeypatch.setattr("reports.check_services.send_reminders", lambda today: seen.append(today) or 7)
    with time_machine.travel(at(2026, 12, 2, 8, 30, 30), tick=False):
        assert "check_reminders@2026-12-02" in schedule.tick()
        run_queued_jobs()
    run = ScheduledRun.objects.get(name="check_reminders", period="2026-12-02")
    assert (run.error, run.result, seen) == ("", "7", [date(2026, 12, 2)])
