"""The queue tasks (django-tasks). A worker (`manage.py jobs_worker`) runs them."""
from django_tasks import task


@task(queue_name="exports")
def run_job(job_id: int) -> str:
    from .services import execute

    return execute(job_id)


@task(queue_name="scheduled")
def run_scheduled_entry(name: str, period: str) -> str:
    from .schedule import execute_entry

    return execute_entry(name, period)
