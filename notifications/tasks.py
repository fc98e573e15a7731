"""The delivery of notifications on the job queue (django-tasks; any worker runs it). A retry is
the same task enqueued with run_after (the database backend supports deferred tasks)."""
from django_tasks import task


@task(queue_name="default")
def deliver(ids: list[int]) -> str:
    from .delivery import deliver_now

    return deliver_now(ids)
