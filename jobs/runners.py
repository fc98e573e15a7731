"""Running one job: the runner of each job kind, a lease (a heartbeat every JOBS_HEARTBEAT_SECONDS)
and the 失败 messages. A job only ever moves through compare-and-set updates on (id, attempt), so a
worker taken for dead that wakes up again cannot overwrite the retry's result.

The worker (jobs.tasks.run_job → execute) calls the runner registered for the job's kind. Each app
registers its runner when it loads (its AppConfig.ready()): jobs its exports, accounts_media its
imports, reports its check rounds — jobs, the lowest layer, imports none of them.
"""
import logging
import os
import re
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from govmedia.common.storage import StorageFailure, _ERRNOS, _PG_CODES

from .models import Job

logger = logging.getLogger("jobs.services")

# kind → runner(job, lease): the work of one attempt, reporting progress and finishing on the lease.
RUNNERS: dict[str, Callable] = {}


def register(kind: str, run: Callable) -> None:
    """Plug the runner of a job kind in (an app's start-up); one runner a kind."""
    if RUNNERS.get(kind, run) is not run:
        raise ValueError(f"job kind {kind!r} has a runner already: {RUNNERS[kind]!r}")
    RUNNERS[kind] = run


FAILED_MESSAGE = "导出失败：服务器处理出错，请稍后重新导出；如多次出现请联系运维人员。"
STALLED_MESSAGE = ("导出中断：处理该任务的后台进程意外退出，已自动重试 {n} 次仍未完成。"
                   "请重新导出；如多次出现请联系运维人员。")
IMPORT_FAILED_MESSAGE = "导入失败：服务器处理出错，未导入任何数据，请稍后重新导入；如多次出现请联系运维人员。"
IMPORT_STALLED_MESSAGE = ("导入中断：处理该任务的后台进程意外退出，已自动重试 {n} 次仍未完成，未导入任何数据。"
                          "请重新导入；如多次出现请联系运维人员。")


ROUND_FAILED_MESSAGE = "生成检查表失败：服务器处理出错，已生成的检查表保留，请联系运维人员重试该任务。"
ROUND_STALLED_MESSAGE = ("生成检查表中断：处理该任务的后台进程意外退出，已自动重试 {n} 次仍未完成，已生成的检查表保留。"
                         "请联系运维人员。")


def failed_message(job: Job, exc: BaseException | None = None) -> str:
    """The job's 失败 message: the storage problem named when storage failed (as uploads do), else
    the generic one."""
    storage = storage_problem(exc)
    if storage:
        return f"{'导入失败' if job.kind == Job.Kind.IMPORT else '生成检查表失败' if job.kind == Job.Kind.CHECK_ROUND else '导出失败'}：{storage}"
    if job.kind == Job.Kind.CHECK_ROUND:
        return ROUND_FAILED_MESSAGE
    return IMPORT_FAILED_MESSAGE if job.kind == Job.Kind.IMPORT else FAILED_MESSAGE


def storage_problem(exc: BaseException | None) -> str | None:
    """The Chinese storage message when `exc` (or what caused it) is a full, read-only or forbidden
    storage — a temp file or the file store in the database; None for any other error."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, StorageFailure):
            return exc.message
        if isinstance(exc, OSError) and exc.errno in _ERRNOS:
            return _ERRNOS[exc.errno]
        if isinstance(exc, DatabaseError):
            code = getattr(exc.__cause__, "pgcode", None) or getattr(exc, "pgcode", None)
            if code in _PG_CODES:
                return _PG_CODES[code]
        # Writers in other languages (rust_xlsxwriter) report the OS error in their message only.
        found = re.search(r"\(os error (\d+)\)", str(exc))
        if found and int(found.group(1)) in _ERRNOS:
            return _ERRNOS[int(found.group(1))]
        exc = exc.__cause__ or exc.__context__
    return None


def stalled_message(job: Job) -> str:
    if job.kind == Job.Kind.CHECK_ROUND:
        return ROUND_STALLED_MESSAGE
    return IMPORT_STALLED_MESSAGE if job.kind == Job.Kind.IMPORT else STALLED_MESSAGE


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class LeaseLost(Exception):
    """This attempt was taken for dead and handed to another one: stop writing."""


class Lease:
    def __init__(self, job: Job):
        self.job = job
        self.attempt = job.attempts
        self._stop = threading.Event()
        self._thread = None

    def _mine(self):
        return Job.objects.filter(pk=self.job.pk, attempts=self.attempt, status=Job.Status.RUNNING)

    def start(self):
        interval = settings.JOBS_HEARTBEAT_SECONDS
        if interval > 0:
            self._thread = threading.Thread(target=self._beat, args=(interval,), daemon=True,
                                            name=f"job-{self.job.pk}-heartbeat")
            self._thread.start()

    def _beat(self, interval):
        try:
            while not self._stop.wait(interval):
                self._mine().update(heartbeat_at=timezone.now())
        except Exception:  # noqa: BLE001 - a missed beat is what the lease is for
            logger.exception("heartbeat of job %s failed", self.job.pk)
        finally:
            connection.close()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def progress(self, rows_written: int, rows_total: int | None):
        if not self._mine().update(rows_written=rows_written, rows_total=rows_total, heartbeat_at=timezone.now()):
            raise LeaseLost(self.job.pk)

    def finish(self, keep: timedelta | None = None, **fields) -> bool:
        now = timezone.now()
        if keep is not None:
            fields["expires_at"] = now + keep
        return bool(self._mine().update(status=Job.Status.DONE, finished_at=now, error="", **fields))

    def fail(self, message: str) -> bool:
        return bool(self._mine().update(status=Job.Status.FAILED, finished_at=timezone.now(), error=message))


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None  # already run, or failed meanwhile: the queue delivered it twice
        now = timezone.now()
        job.status, job.attempts, job.worker_id = Job.Status.RUNNING, job.attempts + 1, worker_name()
        job.started_at = job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "worker_id", "started_at", "heartbeat_at"])
    return job


def execute(job_id: int) -> str:
    """Run one job (called by the queue's worker through jobs.tasks.run_job) with the runner
    registered for its kind."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    lease = Lease(job)
    lease.start()
    try:
        RUNNERS[job.kind](job, lease)
    except LeaseLost:
        logger.warning("job %s attempt %s lost its lease; the retry carries on", job.pk, lease.attempt)
        return "lease lost"
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        lease.fail(failed_message(job, exc))
        raise  # the queue records the traceback on its task row too
    finally:
        lease.stop()
    return "done"
