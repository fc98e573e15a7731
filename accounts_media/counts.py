"""Cached tab counts (SPEC §8 badges and the summary line) that stay exact.

Counting a tab over the whole country scans the scope's rows on every page view. The counts are
kept in the shared cache under a *generation* number that every committed change of an account
bumps (an atomic counter every app server shares, govmedia.ops.counters): a page view after any
change recounts, on every server at once; all others read the cache (one cache get, no SQL).
"""
from django.core.cache import cache
from django.db import transaction

from govmedia.ops import counters

GENERATION_KEY = "media-accounts:generation"
COUNT_TTL = 60


def generation() -> int:
    return counters.get(GENERATION_KEY)


def _bump() -> None:
    counters.incr(GENERATION_KEY)


def bump_generation() -> None:
    """Called inside the transaction that changes accounts. Bumped at commit (counts another
    request cached meanwhile, without the uncommitted change, are never read) and, where a bump
    takes no row lock (Redis), also now, so that this request's next page recounts."""
    if not counters.locks_rows():
        _bump()
    transaction.on_commit(_bump)


def cached_counts(key: str, compute) -> dict:
    full_key = f"media-accounts:counts:{generation()}:{key}"
    counts = cache.get(full_key)
    if counts is None:
        counts = compute()
        cache.set(full_key, counts, COUNT_TTL)
    return counts
