"""A national round on a real worker process (`manage.py jobs_worker`) killed with SIGKILL in the
middle of the round: the parts it committed stay, the watchdog queues the job again, a fresh
worker finishes it, and the quarter ends with exactly one sheet per unit and every row once.

The worker is stopped at a known point without sleeping: another connection holds an uncommitted
sheet of the last part's unit, so the worker's INSERT … ON CONFLICT waits on it after the parts
before it are committed and counted (the job's progress says how far it got). Every wait polls
with a generous timeout, so the test holds on a loaded machine."""
import os
import signal
from datetime import timedelta

import pytest
from django.db import connections
from django.db.models import F
from django.utils import timezone

from accounts_media.models import MediaAccount
from jobs import services
from jobs.models import Job
from orgtree.models import FilerUnit, OrgUnit
from reports.check_rounds import FILER_TIER, _json, org_sheets_sql, chunks, deadline_tiers, open_round
from reports.models import CheckRound, CheckSheet, SpotCheckItem
from tests.accounts_media.conftest import normal_account
from tests.conftest import requires_postgres
from tests.jobs_helpers import start_worker, stop_worker, wait_for, worker_env

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
FILERS_PER_UNIT = 40


@pytest.fixture
def country(chain, tree):
    """The small tree grown to a few hundred filer units, one in four with a live account."""
    template = normal_account(chain, name="上庄发布")
    units = [u for u in OrgUnit.objects.filter(is_active=True).exclude(code="GB0000").order_by("path")]
    FilerUnit.objects.bulk_create([FilerUnit(code=f"{unit.code}M{n:03d}", name=f"{unit.name}第{n}单位", org_unit=unit)
                                   for unit in units for n in range(100, 100 + FILERS_PER_UNIT)])
    accounts = []
    for n, filer in enumerate(FilerUnit.objects.filter(code__regex=r"M1\d\d$").order_by("code")[::4], start=1):
        account = MediaAccount.objects.get(pk=template.pk)
        account.pk, account.filer_unit, account.org_path = None, filer, filer.org_unit.path
        account.name, account.platform_id, account.media_code = f"账号{n}", f"k{n}", f"K{n:09d}"
        accounts.append(account)
    made = MediaAccount.objects.bulk_create(accounts)
    return {"gb": chain["gb"], "accounts": len(made) + 1}


def _hold_a_sheet_of(round_: CheckRound, unit: OrgUnit):
    """Another transaction inserts (and does not commit) the sheet of `unit`: a worker reaching the
    part of `unit` waits on it."""
    conn = connections.create_connection("default")
    conn.set_autocommit(False)
    params = {"round": round_.pk, "year": round_.year, "quarter": round_.quarter, "unit": unit.pk,
              "filer_due": round_.deadlines[FILER_TIER], "tiers": _json(round_.deadlines)}
    with conn.cursor() as cursor:
        cursor.execute(org_sheets_sql(conn, "o.id = %(unit)s"), params)
        assert len(cursor.fetchall()) == 1
    return conn


def _job(job_id):
    return Job.objects.get(pk=job_id)


def test_a_worker_killed_mid_round_and_the_retry_makes_every_sheet_once(country, settings):
    gb = country["gb"]
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    round_ = open_round(gb, year, quarter, {key: today + timedelta(days=10) for key, _ in deadline_tiers(gb.org_unit)})
    assert round_.sheets_total > 400
    last_condition, last_path = chunks(gb.org_unit)[-1]
    last = OrgUnit.objects.get(path=last_path.rstrip("%"))
    in_last = (OrgUnit.objects.filter(path__startswith=last.path, is_active=True).count()
               + FilerUnit.objects.filter(org_unit__path__startswith=last.path, status="active").count())
    before_last = round_.sheets_total - in_last
    assert 0 < before_last < round_.sheets_total

    holder = _hold_a_sheet_of(round_, last)
    env = {**worker_env(), "JOBS_HEARTBEAT_SECONDS": "0.5"}
    worker = start_worker(env=env)
    try:
        # Every part but the last committed and counted: the worker now waits inside the last one.
        wait_for(lambda: _job(round_.job_id).rows_written == before_last and _job(round_.job_id).status == "running",
                 timeout=240, every=0.5)
        os.killpg(worker.pid, signal.SIGKILL)  # kill -9 in the middle of the round
        worker.wait(timeout=60)
    finally:
        holder.rollback()
        holder.close()
        output = stop_worker(worker)
    job = _job(round_.job_id)
    assert job.status == "running" and job.attempts == 1, output
    assert CheckSheet.objects.filter(year=year, quarter=quarter).count() == before_last  # the committed parts stay
    assert CheckRound.objects.get(pk=round_.pk).status == "generating"

    # The watchdog, a lease later, takes the silent job for dead and queues it again.
    later = timezone.now() + timedelta(seconds=settings.JOBS_LEASE_SECONDS + 5)
    assert services.reap_stalled(now=later) == "中断的任务：重试 1 个，标记失败 0 个"
    worker = start_worker(env=env)
    try:
        wait_for(lambda: _job(round_.job_id).status in ("done", "failed"), timeout=300, every=0.5)
    finally:
        output = stop_worker(worker)
    job = _job(round_.job_id)
    assert (job.status, job.attempts) == ("done", 2), (job.error, output)
    assert job.rows_written == round_.sheets_total
    sheets = CheckSheet.objects.filter(year=year, quarter=quarter)
    assert sheets.count() == round_.sheets_total and not sheets.filter(prefilled=False).exists()
    assert sheets.filter(filer_unit__isnull=True).count() == OrgUnit.objects.filter(is_active=True).count() - 1
    assert sheets.exclude(filer_unit=None).count() == FilerUnit.objects.filter(status="active").count()
    # Every live account once, on its own unit's sheet.
    rows = SpotCheckItem.objects.filter(sheet__year=year, sheet__quarter=quarter, account__isnull=False)
    assert rows.count() == country["accounts"] == rows.values("account").distinct().count()
    assert not rows.exclude(sheet__filer_unit=F("account__filer_unit")).exists()
    assert CheckRound.objects.get(pk=round_.pk).status == "ready"
