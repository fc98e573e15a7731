"""The shared-cache state every page of a signed-in user reads, in ONE round trip per request.

A list page reads from the shared cache the account-change generation and the tab counts
(accounts_media.counts), the notices' generation and the menu's notice state (reports.services)
and the unread figure (notifications.services). Read one by one that was five Redis GETs, one
waiting for the other. Here each of them is a *slot*: a name and the cache key it has for a
user, registered by the module that owns it. The first read of any slot during a request
fetches every slot's key with one `cache.get_many` (one MGET on Redis, one SELECT on the
database cache) and keeps the values for the rest of the request (PageStateMiddleware), so
later reads in the same request cost nothing; a write goes to the cache and to that copy, and
a change that moves a generation (`forget`) drops the copy. Outside a request (jobs, shell,
service calls) every read goes to the cache.

Values that depend on a generation are stored as `(generation, value)` under a key without
the generation, so that the entry and the generation are fetched together and compared here
(a different generation: recompute), never the generation first and then a key made from it.
"""
from collections.abc import Callable
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

from govmedia.ops import counters

SLOTS: dict[str, Callable[[object], str | None]] = {}
_current: ContextVar[dict | None] = ContextVar("govmedia_pagestate", default=None)


def register(name: str, key_of: Callable[[object], str | None]) -> None:
    """`key_of(user)`: the slot's cache key for that user, or None (not read through the cache)."""
    SLOTS[name] = key_of


def _keys(user) -> dict[str, str]:
    keys = {}
    for name, key_of in SLOTS.items():
        key = key_of(user)
        if key:
            keys[name] = key
    return keys


def _state(user) -> dict | None:
    """The request's copy of `user`'s slots (fetched now if not yet), None outside a request."""
    states = _current.get()
    if states is None:
        return None
    who = getattr(user, "pk", None)
    if who not in states:
        keys = _keys(user)
        found = cache.get_many(list(keys.values())) if keys else {}
        states[who] = {name: found.get(key) for name, key in keys.items()}
    return states[who]


def get(user, name: str):
    """The slot's value for `user` (None when absent), read with every other slot on first use."""
    state = _state(user)
    if state is not None and name in state:
        return state[name]
    key = SLOTS[name](user)  # outside a request, or no key at the first read: read alone
    return cache.get(key) if key else None


def put(user, name: str, value, timeout: int | None) -> None:
    key = SLOTS[name](user)
    if key:
        cache.set(key, value, timeout)
        state = _state(user)
        if state is not None:
            state[name] = value


def forget() -> None:
    """Drop the request's copies (a generation moved: the next read fetches every slot again)."""
    states = _current.get()
    if states is not None:
        states.clear()


class PageStateMiddleware:
    """Keeps the slots read during one request for the rest of that request only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set({})
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def with_generation(user, name: str, generation, compute: Callable[[], object], timeout: int):
    """The slot's value if it was stored under `generation`, else `compute()` stored under it."""
    entry = get(user, name)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return entry[1]
    value = compute()
    put(user, name, (generation, value), timeout)
    return value


class Generation:
    """A change counter every app server shares (govmedia.ops.counters), read as the slot `slot`
    with the page's other slots: values cached under it (`with_generation`) are recomputed after the
    next committed change, on every server at once."""

    def __init__(self, key: str, slot: str):
        self.key, self.slot = key, slot
        register(slot, lambda user: counters.cache_key(key))

    def current(self, user=None) -> int:
        """The counter as this request read it (with the page's slots), or from the counters."""
        if user is not None and counters.cache_key(self.key):
            return int(get(user, self.slot) or 0)
        return counters.get(self.key)

    def bump_now(self) -> None:
        counters.incr(self.key)
        forget()

    def bump(self) -> None:
        """Inside the transaction of a change. Bumped at commit (a value another request caches
        meanwhile, without the uncommitted change, is never read) and, where a bump takes no row
        lock (Redis), also now, so that this request's next page recomputes."""
        if not counters.locks_rows():
            self.bump_now()
        transaction.on_commit(self.bump_now)
