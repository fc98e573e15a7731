"""One per-address counter for the public and SMS endpoints (in the cache: set REDIS_URL when
several app servers run, so that they count together)."""
from axes.helpers import get_client_ip_address
from django.core.cache import cache


def _key(request, bucket: str) -> str:
    return f"rate:{bucket}:{get_client_ip_address(request) or ''}"


def uses(request, bucket: str) -> int:
    """How often this address used `bucket` in the current window."""
    return cache.get(_key(request, bucket), 0)


def over_limit(request, bucket: str, limit: int, seconds: int = 3600) -> bool:
    """Count one use of `bucket` by this address; True once it is over `limit` in the window."""
    key = _key(request, bucket)
    count = cache.get_or_set(key, 0, seconds)
    if count >= limit:
        return True
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
    return False
