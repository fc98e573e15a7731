"""The delivery task's former home: it lives beside what it runs and re-queues (notifications.delivery.deliver).
Tasks queued under this path before the move still find it here."""
from .delivery import deliver  # noqa: F401
