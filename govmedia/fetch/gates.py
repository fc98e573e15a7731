"""Per-host politeness gates of the fetchers (docs/decisions/0028, 0034).

A gate's `enter(host)` is a context manager around one request to `host`: at most
MONITORING_PER_HOST requests in flight to a host and MONITORING_POLITENESS_DELAY seconds between
two starts there.

- `HostGate` holds these limits for the threads of one process.
- `SharedHostGate` holds them for every process on every server that shares one Redis (the
  chunks of a run go on the job queue, several workers run them at once). Per host, a sorted set
  of leases (a token per request, scored with the time its lease ends: a worker killed
  mid-request frees its slot when the lease ends) and a "next allowed start" key; one Lua script
  takes a slot and reserves a start time atomically, on Redis's clock (one clock for all
  servers). The threads of one process first queue on a local semaphore per host, so only
  MONITORING_PER_HOST threads per process poll Redis for a host, with a small backoff. A waiter
  gives up after MONITORING_GATE_WAIT seconds (`GateTimeout`, the page is then not checked, never
  a finding). If Redis fails, the gate falls back to a `HostGate` for the rest of its life (one
  fetcher, i.e. one chunk) with a logged warning: the run goes on, the limit is then per process.

`make_gate()` chooses by MONITORING_HOST_GATE: "auto" (shared when a Redis is configured: REDIS_URL
or a RedisCache default cache), "shared" (ImproperlyConfigured without Redis), "local".
"""
from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import conf
from govmedia.ops.cache import redis_client, redis_module

logger = logging.getLogger("govmedia.monitoring")
GATE_MODES = ("auto", "shared", "local")
GATE_TIMEOUT_REASON = "等待同一主机的访问名额超时"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


class GateTimeout(Exception):
    """No slot for the host within MONITORING_GATE_WAIT seconds: the request was not sent."""

    def __init__(self, host: str, waited: float):
        super().__init__(GATE_TIMEOUT_REASON)
        self.host, self.waited = host, waited


class _Gate:
    """The counters every gate keeps for this process: requests in flight now and at the peak,
    overall and per host."""

    def __init__(self, per_host: int, delay: float):
        self.per_host, self.delay = max(1, int(per_host)), max(0.0, float(delay))
        self._count_lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.host_in_flight: dict[str, int] = {}
        self.peak_per_host: dict[str, int] = {}

    @property
    def kind(self) -> str:
        return "local"

    @contextmanager
    def enter(self, host: str):
        with self._slot(host):
            with self._count_lock:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                now = self.host_in_flight[host] = self.host_in_flight.get(host, 0) + 1
                self.peak_per_host[host] = max(self.peak_per_host.get(host, 0), now)
            try:
                yield
            finally:
                with self._count_lock:
                    self.in_flight -= 1
                    self.host_in_flight[host] -= 1
                    if not self.host_in_flight[host]:
                        del self.host_in_flight[host]

    @property
    def peak_on_one_host(self) -> int:
        return max(self.peak_per_host.values(), default=0)

    def close(self) -> None:
        pass

    def _slot(self, host: str):  # pragma: no cover - interface
        raise NotImplementedError


class _Host:
    __slots__ = ("slots", "lock", "next_at")

    def __init__(self, per_host: int):
        self.slots = threading.BoundedSemaphore(per_host)
        self.lock = threading.Lock()
        self.next_at = 0.0


class HostGate(_Gate):
    """Per-host limits shared by the threads of one process."""

    def __init__(self, per_host: int, delay: float):
        super().__init__(per_host, delay)
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            slot = self._hosts.get(host)
            if slot is None:
                slot = self._hosts[host] = _Host(self.per_host)
            return slot

    @contextmanager
    def _slot(self, host: str):
        slot = self._host(host)
        slot.slots.acquire()
        try:
            with slot.lock:
                now = time.monotonic()
                wait = slot.next_at - now
                slot.next_at = max(now, slot.next_at) + self.delay
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            slot.slots.release()


# KEYS[1]: the host's leases (sorted set: token → time its lease ends); KEYS[2]: its next allowed start.
# ARGV: token, per_host, delay, lease (seconds). Returns {1, wait, held} with a slot (start after
# `wait` seconds), {0, 0, held} without. Times are Redis's own clock (TIME), the same for every server.
ACQUIRE = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local per_host, delay, lease = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held >= per_host then
  return {0, '0', held}
end
local start = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
local wait = start - now
redis.call('ZADD', KEYS[1], string.format('%.6f', start + lease), ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.ceil((tonumber(last[2]) - now) * 1000) + 1000)
if delay > 0 then
  redis.call('SET', KEYS[2], string.format('%.6f', start + delay), 'PX', math.ceil((wait + delay) * 1000) + 1000)
end
return {1, string.format('%.6f', wait), held + 1}
"""


class SharedHostGate(_Gate):
    """Per-host limits shared through Redis by every process of every server (see the module)."""

    MIN_PAUSE, MAX_PAUSE = 0.005, 0.25   # the backoff between two polls of a full host

    def __init__(self, per_host: int, delay: float, url: str, prefix: str = "govmedia", lease: float = 30.0,
                 wait_limit: float = 300.0, client=None):
        redis = redis_module()
        super().__init__(per_host, delay)
        self.url, self.lease, self.wait_limit = url, float(lease), float(wait_limit)
        self.prefix = f"{prefix}:monitoring:gate" if prefix else "monitoring:gate"

        self.client = client or redis_client(url, socket_timeout=5, socket_connect_timeout=3)
        self._acquire = self.client.register_script(ACQUIRE)
        self._errors = (redis.RedisError, OSError)
        self._local: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self.fallback: HostGate | None = None
        self.fallback_reason = ""
        self.shared_peak_per_host: dict[str, int] = {}   # the most leases seen on a host, all processes

    @property
    def kind(self) -> str:
        return "local (fallback)" if self.fallback is not None else "shared"

    def keys(self, host: str) -> tuple[str, str]:
        # {host}: both keys of a host in one Redis Cluster slot (a Lua script needs that).
        return f"{self.prefix}:{{{host}}}:leases", f"{self.prefix}:{{{host}}}:next"

    @property
    def shared_peak(self) -> int:
        return max(self.shared_peak_per_host.values(), default=0)

    def close(self) -> None:
        try:
            self.client.close()
        except self._errors:
            pass

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._local.get(host)
            if slot is None:
                slot = self._local[host] = threading.BoundedSemaphore(self.per_host)
            return slot

    def _fall_back(self, exc: Exception) -> HostGate:
        with self._lock:
            if self.fallback is None:
                self.fallback_reason = f"{type(exc).__name__}: {exc}"[:300]
                where = urlsplit(self.url)   # host and port only: a URL may carry a password
                logger.warning("monitoring: the shared host gate (Redis %s:%s) failed (%s); this fetcher goes on with "
                               "the per-process gate", where.hostname, where.port or 6379, self.fallback_reason)
                self.fallback = HostGate(self.per_host, self.delay)
            return self.fallback

    def _reserve(self, host: str, deadline: float) -> tuple[str, float]:
        """A lease on one of the host's slots: (token, seconds to wait before starting)."""
        token = uuid.uuid4().hex
        pause = self.MIN_PAUSE
        while True:
            got, wait, held = self._acquire(keys=self.keys(host), args=[token, self.per_host, self.delay, self.lease])
            held = int(held)
            with self._count_lock:
                self.shared_peak_per_host[host] = max(self.shared_peak_per_host.get(host, 0), held)
            if int(got):
                return token, float(wait)
            left = deadline - time.monotonic()
            if left <= 0:
                raise GateTimeout(host, self.wait_limit)
            time.sleep(min(left, pause * random.uniform(0.5, 1.5)))
            pause = min(pause * 2, self.MAX_PAUSE)

    @contextmanager
    def _slot(self, host: str):
        if self.fallback is not None:
            with self.fallback._slot(host):
                yield
            return
        started = time.monotonic()
        deadline = started + self.wait_limit
        semaphore = self._semaphore(host)
        if not semaphore.acquire(timeout=self.wait_limit):
            raise GateTimeout(host, self.wait_limit)
        try:
            try:
                token, wait = self._reserve(host, deadline)
            except self._errors as exc:
                token, wait = None, 0.0
                fallback = self._fall_back(exc)
            if token is None:
                with fallback._slot(host):
                    yield
                return
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                try:
                    self.client.zrem(self.keys(host)[0], token)
                except self._errors:  # Redis gone meanwhile: the lease ends by itself
                    logger.debug("monitoring: could not release the lease of %s", host)
        finally:
            semaphore.release()


def redis_url() -> str:
    """The Redis the gate uses: REDIS_URL, else the default cache's when it is a RedisCache."""
    url = getattr(settings, "REDIS_URL", "") or ""
    if url:
        return url
    cache = getattr(settings, "CACHES", {}).get("default", {})
    if cache.get("BACKEND") in {REDIS_CACHE, "govmedia.ops.cache.FailoverRedisCache"}:
        location = cache.get("LOCATION") or ""
        if isinstance(location, (list, tuple)):
            location = location[0] if location else ""
        return location.split(",")[0].strip()
    return ""


def key_prefix() -> str:
    return getattr(settings, "CACHES", {}).get("default", {}).get("KEY_PREFIX") \
        or getattr(settings, "CACHE_KEY_PREFIX", "") or "govmedia"


def gate_mode() -> str:
    """"shared" or "local": what MONITORING_HOST_GATE makes of this deployment."""
    mode = (conf.get("MONITORING_HOST_GATE") or "auto").strip().lower()
    if mode not in GATE_MODES:
        raise ImproperlyConfigured(f"MONITORING_HOST_GATE={mode!r}: use auto, shared or local.")
    if mode == "local":
        return "local"
    if mode == "shared" and not redis_url():
        raise ImproperlyConfigured("MONITORING_HOST_GATE=shared needs a Redis: set REDIS_URL (docs/deploy.md).")
    return "shared" if redis_url() else "local"


def lease_seconds(timeout: float) -> float:
    """How long a request's slot is held at most: two tries of the timeout and some slack."""
    return conf.get("MONITORING_GATE_LEASE") or 2 * float(timeout) + 10


def make_gate(per_host: int | None = None, delay: float | None = None, timeout: float | None = None) -> _Gate:
    per_host = conf.get("MONITORING_PER_HOST") if per_host is None else per_host
    delay = float(conf.get("MONITORING_POLITENESS_DELAY")) if delay is None else delay
    timeout = float(conf.get("MONITORING_TIMEOUT")) if timeout is None else timeout
    if gate_mode() == "local":
        return HostGate(per_host, delay)
    return SharedHostGate(per_host, delay, redis_url(), prefix=key_prefix(), lease=lease_seconds(timeout),
                          wait_limit=float(conf.get("MONITORING_GATE_WAIT")))
