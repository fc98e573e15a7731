"""Counters every app server shares, incremented atomically (per-address rate limits, the
tab-count generation): a Lua INCR+EXPIRE in Redis when the cache is Redis; an upsert on
ops_counter when the cache is the database, and while Redis is unreachable (decision 0057: the
limits keep counting, in the database); the cache's own locked incr for a one-process cache (the
test suite). docs/decisions/0006."""
import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

from govmedia.ops.cache import (  # noqa: F401  (incr_redis_only re-exported: the counters' API)
    FailoverRedisCache, redis_incr, incr_redis_only, redis_errors, state)

UPSERT = """
INSERT INTO ops_counter (key, value, expires_at) VALUES (%s, 1, %s)
ON CONFLICT (key) DO UPDATE SET
  value = CASE WHEN ops_counter.expires_at IS NOT NULL AND ops_counter.expires_at <= %s THEN 1
               ELSE ops_counter.value + 1 END,
  expires_at = CASE WHEN ops_counter.expires_at IS NOT NULL AND ops_counter.expires_at <= %s
                    THEN excluded.expires_at ELSE ops_counter.expires_at END
RETURNING value
"""


def _mode() -> str:
    backend = _cache()
    if isinstance(backend, FailoverRedisCache):
        return "redis" if state.usable() else "fallback"
    if isinstance(backend, RedisCache):
        return "redis"
    if isinstance(backend, DatabaseCache):
        return "database"
    return "cache"


def _cache():
    return caches["default"]


def locks_rows() -> bool:
    """True when an increment takes a row lock until the end of the current transaction."""
    return _mode() in {"database", "fallback"}


def _database_incr(key: str, timeout: int | None) -> int:
    now = timezone.now()
    expires = now + timedelta(seconds=timeout) if timeout else None
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [key, expires, now, now])
        value = cursor.fetchone()[0]
        if random.random() < 0.002:  # now and then, forget expired counters
            cursor.execute("DELETE FROM ops_counter WHERE expires_at <= %s", [now])
    return int(value)


def _database_get(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM ops_counter WHERE key = %s AND (expires_at IS NULL OR expires_at > %s)",
                       [key, timezone.now()])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _fallen_back(exc: Exception) -> None:
    state.failed(exc)


def incr(key: str, timeout: int | None = None) -> int:
    """Add one to `key` and return the new value; a new key expires after `timeout` seconds (None: never)."""
    mode, backend = _mode(), _cache()
    if mode == "redis":
        try:
            return redis_incr(backend, key, timeout)
        except redis_errors() as exc:
            _fallen_back(exc)
            mode = "fallback"
    if mode == "fallback":
        if timeout is None:  # a generation: bumped in Redis too once it is back (windows just expire)
            state.counters.add(key)
        return _database_incr(key, timeout)
    if mode == "database":
        return _database_incr(key, timeout)
    full_key = f"counter:{key}"
    backend.add(full_key, 0, timeout)
    try:
        return backend.incr(full_key)
    except ValueError:  # expired between the two calls
        backend.set(full_key, 1, timeout)
        return 1


def cache_key(key: str) -> str | None:
    """The key under which `cache.get_many` reads this counter together with other keys (Redis:
    the INCR'd integer reads back as an int; the one-process cache), or None where counters are
    not in the cache (the database cache, Redis unreachable): then read it with `get`."""
    return f"counter:{key}" if _mode() in {"redis", "cache"} else None


def get(key: str) -> int:
    mode, backend = _mode(), _cache()
    if mode == "redis":
        full_key = backend.make_and_validate_key(f"counter:{key}")
        try:
            return int(backend._cache.get_client(full_key).get(full_key) or 0)
        except redis_errors() as exc:
            _fallen_back(exc)
            mode = "fallback"
    if mode in {"database", "fallback"}:
        return _database_get(key)
    return int(backend.get(f"counter:{key}") or 0)
