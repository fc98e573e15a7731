"""The queue task of a run's chunk (a worker runs it, `manage.py jobs_worker`)."""
from django_tasks import task


@task(queue_name="scheduled")
def run_chunk_task(run_id: int, kind: str, first: int, last: int) -> str:
    from .runner import run_chunk

    return run_chunk(run_id, kind, first, last)
