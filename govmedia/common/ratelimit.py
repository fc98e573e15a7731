"""One per-address counter for the public and SMS endpoints, shared by every app server and
incremented atomically (govmedia.ops.counters: Redis, or the database)."""
from axes.helpers import get_client_ip_address

from govmedia.ops import counters


def _key(request, bucket: str) -> str:
    return f"rate:{bucket}:{get_client_ip_address(request) or ''}"


def uses(request, bucket: str) -> int:
    """How often this address used `bucket` in the current window."""
    return counters.get(_key(request, bucket))


def over_limit(request, bucket: str, limit: int, seconds: int = 3600) -> bool:
    """Count one use of `bucket` by this address; True once it is over `limit` in the window
    (the window starts at the first use)."""
    return count_use(request, bucket, seconds) > limit


def count_use(request, bucket: str, seconds: int = 3600) -> int:
    """Count one use of `bucket` by this address and return the uses in the window so far."""
    return counters.incr(_key(request, bucket), seconds)
