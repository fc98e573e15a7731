"""The chunk task's former home: it lives beside what it runs and what enqueues it
(monitoring.runner.run_chunk_task). Tasks queued under this path before the move still find it here."""
from .runner import run_chunk_task  # noqa: F401
