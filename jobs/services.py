"""The job rules: start a job (its row and its queue task in one transaction), take a job whose
worker died for dead after JOBS_LEASE_SECONDS without a heartbeat and retry it, or mark it 失败
with a Chinese message after JOBS_MAX_ATTEMPTS. Running one attempt under its lease, with the
runner its app registered for the job's kind, is jobs/runners.py (re-exported here). A job only
ever moves through compare-and-set updates on (id, attempt), so a worker taken for dead that
wakes up again cannot overwrite the retry's result."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Job
from .runners import (  # noqa: F401  (re-exported: the runners and the tests read them here)
    FAILED_MESSAGE, IMPORT_FAILED_MESSAGE, IMPORT_STALLED_MESSAGE, ROUND_FAILED_MESSAGE, ROUND_STALLED_MESSAGE,
    STALLED_MESSAGE, Lease, LeaseLost, _claim, execute, failed_message, stalled_message, storage_problem, worker_name)
from .tasks import run_job
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def scope_key(user) -> str:
    """What the requester may see, as recorded on the job: role, org unit, filer unit."""
    return f"{user.kind}:{user.org_unit_id or ''}:{user.filer_unit_id or ''}"


def start_job(user, kind: str, title: str, params: dict, rows_total: int | None = None) -> Job:
    """Queue a job; a job whose size is known up front (a round's sheets) shows "0 / N" from the start."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, title=title, requested_by=user, scope=scope_key(user), params=params,
                                 rows_total=rows_total)
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


def may_see(user, job: Job) -> bool:
    """A job is the requester's, while the scope (role, org unit, filer unit) is the one it ran for."""
    return job.requested_by_id == user.pk and job.scope == scope_key(user) and user.is_active


def may_download(user, job: Job) -> bool:
    """The requester only, while the scope is the one the rows were read for, the file kept."""
    return (may_see(user, job) and job.status == Job.Status.DONE and bool(job.result_name)
            and (job.expires_at is None or job.expires_at > timezone.now()))


def reap_stalled(now=None) -> str:
    """Scheduled every minute: a running job without a heartbeat for JOBS_LEASE_SECONDS lost its
    worker (killed, machine gone). Retry it, or after JOBS_MAX_ATTEMPTS mark it 失败."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOBS_LEASE_SECONDS)
    retried = failed = 0
    with transaction.atomic():
        stale = list(Job.objects.select_for_update(skip_locked=True)
                     .filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff))
        for job in stale:
            DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now)
            if job.attempts < settings.JOBS_MAX_ATTEMPTS:
                result = run_job.enqueue(job.pk)
                Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
                    status=Job.Status.QUEUED, task_id=str(result.id), heartbeat_at=None)
                retried += 1
            else:
                Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
                    status=Job.Status.FAILED, finished_at=now, error=stalled_message(job).format(n=job.attempts - 1))
                failed += 1
    return f"中断的任务：重试 {retried} 个，标记失败 {failed} 个"
