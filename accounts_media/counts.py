"""Cached tab counts (SPEC §8 badges and the summary line) that stay exact.

Counting a tab over the whole country scans the scope's rows on every page view. The counts are
kept in the cache under a *generation* number that every committed change of an account bumps:
a page view after any change recounts; all others read the cache (one cache get, no SQL). With
the cache in Redis (REDIS_URL) the generation is shared by every app server; with the default
per-process cache, another process may show a count up to COUNT_TTL seconds old.
"""
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "media-accounts:generation"
COUNT_TTL = 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def bump_generation() -> None:
    """Called inside the transaction that changes accounts. Bumped now (this request's next
    page recounts) and again at commit (counts another request cached meanwhile, without the
    uncommitted change, are never read)."""
    _bump()
    transaction.on_commit(_bump)


def cached_counts(key: str, compute) -> dict:
    full_key = f"media-accounts:counts:{generation()}:{key}"
    counts = cache.get(full_key)
    if counts is None:
        counts = compute()
        cache.set(full_key, counts, COUNT_TTL)
    return counts
