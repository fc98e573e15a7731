"""The real worker path: `manage.py jobs_worker` processes against the test database — four
exports at once, and a worker killed with SIGKILL in the middle of a job."""
import os
import signal
import time

import pytest
from django.db import connections
from django.test import Client

from jobs import services
from jobs.models import Job
from tests.accounts_media.conftest import normal_account, submit
from tests.conftest import requires_postgres
from tests.jobs_helpers import download_bytes, job_state, start_worker, stop_worker, wait_for, worker_env

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
LIST = "/media/"


@pytest.fixture
def accounts(chain):
    made = [normal_account(chain), normal_account(chain, "commerce", account_type="KH", wechat_kind="",
                                                  url="https://apps.apple.com/cn/app/id1485553352",
                                                  platform_id="ios:1485553352", name="北京商务")]
    made += [submit(chain["yanyuan"], account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{i}",
                    platform_id=str(i), name=f"燕园B站{i}") for i in range(1, 31)]
    return made


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_four_exports_at_once_all_finish_on_real_workers_while_lists_answer(chain, accounts):
    from openpyxl import load_workbook
    import io

    users = [chain["gb"], chain["beijing"], chain["haidian"], chain["shangzhuang"]]
    clients = [client_of(u) for u in users]
    workers = [start_worker(), start_worker()]
    try:
        urls = [c.get(LIST, {"export": "all", "tab": "all"} if u.kind == "org" else {"export": "all"}).url
                for c, u in zip(clients, users)]
        assert clients[0].get(LIST).status_code == 200  # the list answers while the workers export
        states = wait_for(lambda: all(job_state(c, u)["finished"] for c, u in zip(clients, urls))
                          and [job_state(c, u) for c, u in zip(clients, urls)], timeout=90)
    finally:
        output = [stop_worker(w) for w in workers]
    assert [s["status"] for s in states] == ["done"] * 4, (states, output)
    expected = {"GB0000": 32, "110000": 32, "110108": 31, "110108M001": 1}
    for client, user, state in zip(clients, users, states):
        sheet = load_workbook(io.BytesIO(download_bytes(client, state["download_url"]))).active
        assert sheet.max_row - 1 == expected[user.username] == state["rows_written"], user.username
    assert len({j.worker_id for j in Job.objects.all()}) >= 1 and all(j.worker_id for j in Job.objects.all())


def _lock_accounts():
    """Hold an exclusive lock on the accounts table from another connection: the worker's export
    blocks on its first read, in the middle of its job (claimed, heartbeat running)."""
    conn = connections.create_connection("default")
    conn.set_autocommit(False)
    with conn.cursor() as cursor:
        cursor.execute("LOCK TABLE accounts_media_mediaaccount IN ACCESS EXCLUSIVE MODE")
    return conn


def _running(job_id):
    """the job to be running"""
    return Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).first()


def test_a_killed_workers_job_is_retried_and_then_marked_failed_in_chinese(chain, accounts, settings):
    settings.JOBS_LEASE_SECONDS = 2
    env = {**worker_env(), "JOBS_HEARTBEAT_SECONDS": "0.3"}
    client = client_of(chain["beijing"])
    job_url = client.get(LIST, {"export": "all"}).url
    job_id = int(job_url.strip("/").split("/")[-1])

    lock = _lock_accounts()
    worker = start_worker(env=env)
    try:
        first = wait_for(lambda: _running(job_id), timeout=60)
        time.sleep(2.5)  # longer than the lease: a live worker's heartbeat keeps the job
        assert services.reap_stalled() == "中断的任务：重试 0 个，标记失败 0 个"
        assert Job.objects.get(pk=job_id).heartbeat_at > first.heartbeat_at
        os.killpg(worker.pid, signal.SIGKILL)  # kill -9 in the middle of the job
        worker.wait()
        time.sleep(2.5)
        assert services.reap_stalled() == "中断的任务：重试 1 个，标记失败 0 个"
        state = job_state(client, job_url)
        assert state["status"] == "queued" and state["retrying"] and not state["finished"]

        worker = start_worker(env=env)  # the retry starts, and is killed too
        wait_for(lambda: _running(job_id), timeout=60)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        time.sleep(2.5)
        assert services.reap_stalled() == "中断的任务：重试 0 个，标记失败 1 个"
    finally:
        lock.rollback()
        lock.close()
        stop_worker(worker)
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed" and job.attempts == 2 and job.finished_at
    assert job.error == services.STALLED_MESSAGE.format(n=1) and "后台进程意外退出" in job.error
    page = client.get(job_url).content.decode()
    assert "后台进程意外退出" in page and "下载文件" in page  # the message shown; the link stays hidden
    assert job_state(client, job_url)["download_url"] == ""
    from django_tasks_db.models import DBTaskResult

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"FAILED"}  # nothing left RUNNING


def test_after_a_kill_the_retry_on_a_live_worker_delivers_the_file(chain, accounts, settings):
    settings.JOBS_LEASE_SECONDS = 2
    env = {**worker_env(), "JOBS_HEARTBEAT_SECONDS": "0.3"}
    client = client_of(chain["haidian"])
    job_url = client.get(LIST, {"export": "all", "tab": "all"}).url
    job_id = int(job_url.strip("/").split("/")[-1])
    lock = _lock_accounts()
    worker = start_worker(env=env)
    try:
        wait_for(lambda: _running(job_id), timeout=60)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        lock.rollback()
        lock.close()
    time.sleep(2.5)
    assert services.reap_stalled() == "中断的任务：重试 1 个，标记失败 0 个"
    worker = start_worker(env=env)
    try:
        state = wait_for(lambda: (s := job_state(client, job_url))["finished"] and s, timeout=60)
    finally:
        stop_worker(worker)
    assert state["status"] == "done" and state["rows_written"] == 31 and state["download_url"]
    assert Job.objects.get(pk=job_id).attempts == 2
