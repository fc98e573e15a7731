"""The queue tasks (django-tasks). A worker (`manage.py jobs_worker`) runs them."""
from django_tasks import task

from .entries import execute_entry
from .runners import execute


@task(queue_name="exports")
def run_job(job_id: int) -> str:
    return execute(job_id)


@task(queue_name="scheduled")
def run_scheduled_entry(name: str, period: str) -> str:
    return execute_entry(name, period)
