"""What notifications plugs in at start-up (NotificationsConfig.ready): the unread figure's page-state
slot (`services` registers it) and the hooks that observe the review engine's transitions."""
from reviews import engine

from . import services  # noqa: F401  (the unread figure's page-state slot)
from .hooks import on_transitions

engine.observe(on_transitions)
