"""The shared cache when Redis may fail (issue 32, decision record 0057).

`FailoverRedisCache` is Django's RedisCache that, when Redis does not answer, serves every call
from the database cache table (`govmedia_cache`, the `database` alias that `migrate` always
creates) instead of failing the request: counts are then computed from the database and kept in
that table, counters go to `ops_counter` (govmedia.ops.counters). A failure opens a short circuit
(`REDIS_RETRY_SECONDS`, 5 s by default): meanwhile no request waits on Redis's timeouts; one
warning per outage goes to the log; /healthz says "degraded". When Redis answers again, the
keys this process wrote or deleted during the outage are deleted from Redis and the counters it
incremented are incremented there once too, so no value from before the outage (a count, a
generation) is read back.

`REDIS_URL` may name Sentinels instead of one server:
    sentinel://[:password@]host1:26379,host2:26379,host3:26379/<master name>[/<db>]
the client then asks the Sentinels for the current master, and again after a failover.
"""
import logging
import threading
import time
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.cache import caches

logger = logging.getLogger("govmedia.cache")

SENTINEL_SCHEME = "sentinel"


def redis_module():
    """redis-py (with its Sentinel client), loaded on first use: a process that never meets Redis
    (the demo, the test suite, a database cache) does not pay its import."""
    import redis.sentinel  # start-up cost: redis-py takes ~90 ms to import; only with REDIS_URL

    return redis


def redis_errors() -> tuple:
    redis = redis_module()
    # ReadOnlyError: a master just demoted by a failover; OSError: sockets below redis-py.
    return (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, redis.ReadOnlyError,
            redis.sentinel.MasterNotFoundError, OSError)


def parse_sentinel_url(url: str) -> dict:
    """sentinel://[:password@]h1:p1,h2:p2/master[/db] → hosts, service, db, password."""
    parts = urlsplit(url)
    netloc = parts.netloc
    password = None
    if "@" in netloc:
        auth, netloc = netloc.rsplit("@", 1)
        password = unquote(auth.split(":", 1)[1]) if ":" in auth else unquote(auth)
    hosts = []
    for item in netloc.split(","):
        host, _, port = item.strip().partition(":")
        hosts.append((host, int(port or 26379)))
    path = [p for p in parts.path.split("/") if p]
    if not path:
        raise ValueError("a Sentinel REDIS_URL names the master: sentinel://h1:26379,h2:26379/mymaster/0")
    return {"hosts": hosts, "service": path[0], "db": int(path[1]) if len(path) > 1 else 0, "password": password}


def redis_client(url: str, **options):
    """A redis-py client for REDIS_URL: a plain redis:// URL, or the master behind Sentinels."""
    redis = redis_module()
    if urlsplit(url).scheme != SENTINEL_SCHEME:
        return redis.Redis.from_url(url, **options)
    conf = parse_sentinel_url(url)
    timeouts = {k: v for k, v in options.items() if k in {"socket_timeout", "socket_connect_timeout"}}
    sentinel = redis.sentinel.Sentinel(conf["hosts"], sentinel_kwargs=timeouts, **options)
    return sentinel.master_for(conf["service"], db=conf["db"], password=conf["password"])


class SentinelAwareClient(RedisCacheClient):
    """Django's client, with the master found through Sentinels for a sentinel:// location."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._sentinel_master = None
        self._sentinel_lock = threading.Lock()
        self._clients: dict[int, object] = {}  # pool id → its client (thread-safe; a pool resets itself after a fork)

    def get_client(self, key=None, *, write=False):
        if urlsplit(self._servers[0]).scheme != SENTINEL_SCHEME:
            # Django builds a new redis-py client for every call (~170 response callbacks registered
            # each time): one client per connection pool, kept.
            pool = self._get_connection_pool(write)
            client = self._clients.get(id(pool))
            if client is None:
                client = self._clients[id(pool)] = self._client(connection_pool=pool)
            return client
        with self._sentinel_lock:
            if self._sentinel_master is None:
                options = {k: v for k, v in self._pool_options.items() if k != "parser_class"}
                self._sentinel_master = redis_client(self._servers[0], **options)
        return self._sentinel_master


class _State:
    """Per process: whether Redis is taken as down, and what to repair once it is back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.outage_started: float | None = None
        self.failures = 0
        self.touched: set[str] = set()      # cache keys written or deleted in the fallback
        self.counters: set[str] = set()     # counter keys incremented in the fallback

    def usable(self) -> bool:
        return time.monotonic() >= self.down_until

    def failed(self, exc: Exception) -> None:
        with self.lock:
            self.failures += 1
            self.down_until = time.monotonic() + float(getattr(settings, "REDIS_RETRY_SECONDS", 5))
            first = self.outage_started is None
            if first:
                self.outage_started = time.monotonic()
        if first:
            logger.warning("Redis unreachable (%s: %s): the cache and counters use the database until it answers "
                           "again (degraded)", type(exc).__name__, exc)

    def repaired(self, touched: set[str], counters: set[str]) -> None:
        """The outage is over and these keys were repaired in Redis."""
        with self.lock:
            if self.outage_started is None:
                return
            seconds = time.monotonic() - self.outage_started
            self.touched -= touched
            self.counters -= counters
            self.outage_started = None
        logger.warning("Redis answers again after %.0f s: back on the shared cache", seconds)

    @property
    def degraded(self) -> bool:
        return self.outage_started is not None


state = _State()
MAX_REMEMBERED = 50_000  # keys remembered for the repair; past it the oldest values expire on their own


def fallback_cache():
    return caches[getattr(settings, "CACHE_FALLBACK_ALIAS", "database")]


class FailoverRedisCache(RedisCache):
    """RedisCache → DatabaseCache while Redis is unreachable (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        if isinstance(server, str) and urlsplit(server).scheme == SENTINEL_SCHEME:
            self._servers = [server]  # the commas separate Sentinels, not shards
        self._class = SentinelAwareClient

    def validate_key(self, key):
        """Nothing to check: Django's check warns about keys memcached would refuse (spaces, control
        characters, over 250 bytes), which Redis stores as they are. It walked every character of
        every key, ~1.3 µs a key: a page reads eleven in its one round trip (govmedia.common.pagestate).
        The database cache, used while Redis is down, validates them itself."""

    def _call(self, name, keys, *args, **kwargs):
        if state.usable():
            try:
                if state.degraded:
                    self._repair()
                return getattr(super(), name)(*args, **kwargs)
            except redis_errors() as exc:
                state.failed(exc)
        if keys is not None and name not in {"get", "get_many", "has_key"} and len(state.touched) < MAX_REMEMBERED:
            state.touched.update(self.make_and_validate_key(k, version=kwargs.get("version")) for k in keys)
        return getattr(fallback_cache(), name)(*args, **kwargs)

    def _repair(self) -> None:
        """Before the first use of Redis after an outage: forget there what changed meanwhile (a
        failure here raises, and the circuit opens again)."""
        touched, counters = set(state.touched), set(state.counters)
        client = self._cache.get_client(write=True)
        for batch in _batches(sorted(touched)):
            client.delete(*batch)
        for key in counters:
            incr_redis_only(key)
        state.repaired(touched, counters)

    def add(self, key, *args, **kwargs):
        return self._call("add", [key], key, *args, **kwargs)

    def get(self, key, *args, **kwargs):
        return self._call("get", [key], key, *args, **kwargs)

    def set(self, key, *args, **kwargs):
        return self._call("set", [key], key, *args, **kwargs)

    def touch(self, key, *args, **kwargs):
        return self._call("touch", [key], key, *args, **kwargs)

    def delete(self, key, *args, **kwargs):
        return self._call("delete", [key], key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        return self._call("get_many", list(keys), keys, *args, **kwargs)

    def has_key(self, key, *args, **kwargs):
        return self._call("has_key", [key], key, *args, **kwargs)

    def incr(self, key, *args, **kwargs):
        return self._call("incr", [key], key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._call("set_many", list(data), data, *args, **kwargs)

    def delete_many(self, keys, *args, **kwargs):
        return self._call("delete_many", list(keys), keys, *args, **kwargs)

    def clear(self):
        return self._call("clear", None)


# The shared counters' increment in Redis (govmedia.ops.counters): here, below the counters, so the
# repair after an outage bumps them without importing the counters.
INCR_SCRIPT = """
local value = redis.call('INCR', KEYS[1])
if value == 1 and tonumber(ARGV[1]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return value
"""


def redis_incr(backend, key: str, timeout: int | None) -> int:
    full_key = backend.make_and_validate_key(f"counter:{key}")
    client = backend._cache.get_client(full_key, write=True)
    return int(client.eval(INCR_SCRIPT, 1, full_key, int(timeout or 0)))


def incr_redis_only(key: str) -> None:
    """One increment in Redis (the repair after an outage: no generation from before it is read back)."""
    redis_incr(caches["default"], key, None)


def _batches(keys: list[str], size: int = 500):
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def health() -> str:
    """"ok", "degraded" (Redis unreachable, the database serves) or "none" (no Redis configured)."""
    backend = caches["default"]
    if not isinstance(backend, FailoverRedisCache):
        return "none"
    if state.usable():
        try:
            backend._cache.get_client().ping()
        except redis_errors() as exc:
            state.failed(exc)
        else:
            return "ok"
    return "degraded"
