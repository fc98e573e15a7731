"""The delivery of notifications on the job queue (django-tasks; any worker runs it)."""
from django_tasks import task


@task(queue_name="default")
def deliver(ids: list[int]) -> str:
    from .services import deliver_now

    return deliver_now(ids)
