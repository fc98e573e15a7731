"""Cached tab counts (SPEC §8 badges and the summary line) that stay exact.

Counting a tab over the whole country scans the scope's rows on every page view. The counts are
kept in the shared cache with the *generation* number they were counted at; every committed
change of an account bumps the generation (an atomic counter every app server shares,
govmedia.ops.counters): a page view after any change recounts, on every server at once; all
others read the cache. The generation and the viewer's counts are read together with the rest
of the page's cached state in one round trip (govmedia.common.pagestate): no SQL, one MGET.

`refresh_counts` keeps a filer unit's stored 账号数量 and record total exact: every transition of
the table (accounts_media.workflow) recomputes them, then bumps the generation.
"""
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from govmedia.common import pagestate
from govmedia.ops import counters
from orgtree.models import FilerUnit

from .models import COUNTED, MediaAccount

GENERATION_KEY = "media-accounts:generation"
COUNT_TTL = 60
CHANGES = pagestate.Generation(GENERATION_KEY, "media_generation")  # every committed change of an account


def generation() -> int:
    return CHANGES.current()


def _bump() -> None:
    CHANGES.bump_now()


def bump_generation() -> None:
    """Called inside the transaction that changes accounts (pagestate.Generation.bump)."""
    CHANGES.bump()


def list_key(user) -> str:
    """The viewer's scope as the tab counts see it (the list and 数据看板 share it)."""
    return f"{user.kind}:{user.org_unit_id}:{user.filer_unit_id}:{user.role}"


def _counts_key(key: str) -> str:
    return f"media-accounts:counts:{key}"


pagestate.register("media_counts", lambda user: _counts_key(list_key(user)))


def counts_for(user, compute) -> dict:
    """The viewer's tab counts: from the page state's one round trip when still current."""
    return pagestate.with_generation(user, "media_counts", CHANGES.current(user), compute, COUNT_TTL)


def cached_counts(key: str, compute) -> dict:
    """Counts under any key (the generation and the entry read in one `get_many` where they can be)."""
    generation_key = counters.cache_key(GENERATION_KEY)
    full_key = _counts_key(key)
    found = cache.get_many([full_key, generation_key] if generation_key else [full_key])
    current = int(found.get(generation_key) or 0) if counters.cache_key(GENERATION_KEY) else generation()
    entry = found.get(full_key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == current:
        return entry[1]
    counts = compute()
    cache.set(full_key, (current, counts), COUNT_TTL)
    return counts


def _count(filter_q):
    return Coalesce(Subquery(
        MediaAccount.objects.filter(filter_q, filer_unit_id=OuterRef("pk"), removed_at__isnull=True)
        .order_by().values("filer_unit_id").annotate(n=Count("id")).values("n")[:1]
    ), 0)


def refresh_counts(filer_unit_id: int) -> None:
    """账号数量 and the record total of one filer unit, recomputed in one UPDATE (no drift)."""
    FilerUnit.objects.filter(pk=filer_unit_id).update(
        media_count=_count(Q(status__in=COUNTED)), account_total=_count(Q()),
    )
