"""Running queued jobs in tests: in this process (the queue's own worker loop, inside the test's
transaction), or as real `manage.py jobs_worker` processes against the test database."""
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent


def run_queued_jobs(monkeypatch=None) -> None:
    """django-tasks-db's Worker in batch mode: every queued task, then return. Its connection
    housekeeping (close_old_connections) would close the test's transaction, so it is skipped."""
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                              max_tasks=None, worker_id="pytest", excluded_queue_names=[])
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()


def job_state(client, job_url: str) -> dict:
    return client.get(job_url.rstrip("/") + "/status/").json()


def export_file(client, url: str, params: dict | None = None) -> bytes:
    """导出全部 as a user does it: the job starts, a worker runs it, the file is downloaded from
    the job's link. Returns the file's bytes."""
    response = client.get(url, {**(params or {}), "export": "all"})
    assert response.status_code == 302 and "/downloads/" in response.url, (response.status_code, response.get("Location"))
    run_queued_jobs()
    state = job_state(client, response.url)
    assert state["status"] == "done", state
    return download_bytes(client, state["download_url"])


def export_all(client, url: str, params: dict | None = None):
    """导出全部, the workbook read back."""
    return load_workbook(io.BytesIO(export_file(client, url, params)))


def download_bytes(client, url: str) -> bytes:
    download = client.get(url)
    assert download.status_code == 200, download.status_code
    return b"".join(download.streaming_content)


def worker_env() -> dict:
    """The environment of a worker process on this test run's database and media root."""
    from django.db import connection

    settings = connection.settings_dict
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "govmedia.settings_test"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or "5432"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    return env


def start_worker(*extra: str, env: dict | None = None) -> subprocess.Popen:
    """A real worker process (`manage.py jobs_worker`), as systemd runs it."""
    return subprocess.Popen([sys.executable, "manage.py", "jobs_worker", "--interval", "0.2", "--no-startup-delay",
                             "-v", "0", *extra], cwd=ROOT, env=env or worker_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def stop_worker(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stdout.read().decode(errors="replace") if process.stdout else ""


def wait_for(predicate, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate.__doc__ or predicate}")
