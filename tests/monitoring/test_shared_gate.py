"""The per-host gate shared through Redis (decision 0034): separate processes, each with its own
fetcher, keep one per-host limit and one politeness delay between them, as measured by the
fixture server; leases of killed holders end; the gate is chosen by MONITORING_HOST_GATE; a run
goes on when Redis goes away. A redis-server is started here on a free port (tests/servers.py)."""
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from monitoring import runner
from monitoring.checks import check_account, check_website
from govmedia.fetch.fetchers import HttpxFetcher
from govmedia.fetch.gates import GATE_TIMEOUT_REASON, GateTimeout, HostGate, SharedHostGate, gate_mode, make_gate
from monitoring.models import CheckResult, CheckRun, Kind
from tests.monitoring.test_runs import make_site
from tests.servers import ROOT, _start_redis, stop


def _redis(folder: Path):
    started = _start_redis(folder)
    if started is None:
        pytest.skip("redis-server is not installed (CI installs it): the shared gate needs a real Redis")
    return started


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    process, port = _redis(tmp_path_factory.mktemp("gate-redis"))
    yield f"redis://127.0.0.1:{port}/0"
    stop(process)


@pytest.fixture
def prefix(redis_server):
    return f"gate-test-{uuid.uuid4().hex[:8]}"


def shared(url, prefix, per_host=1, delay=0.0, lease=30.0, wait_limit=0.3):
    return SharedHostGate(per_host, delay, url, prefix=prefix, lease=lease, wait_limit=wait_limit)


def worker_settings(url: str, prefix: str, **extra) -> dict:
    return {"REDIS_URL": url, "CACHE_KEY_PREFIX": prefix, "USE_TZ": True, "MONITORING_TIMEOUT": 5.0,
            "MONITORING_CONCURRENCY": 4, "MONITORING_ALLOWED_NETWORKS": ["127.0.0.1/32"], **extra}


def start_workers(configs: list[dict]) -> list[subprocess.Popen]:
    """Separate processes, released together once every one of them is ready."""
    processes = [subprocess.Popen([sys.executable, "-m", "tests.monitoring.gate_worker", json.dumps(c)], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for c in configs]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    return processes


def test_separate_processes_keep_one_per_host_limit_and_one_politeness_delay(redis_server, prefix, fixture_server):
    fixture_server.reset_gate_records()
    per_host, delay, workers, each = 2, 0.1, 3, 6
    host = f"127.0.0.1:{fixture_server.http}"
    configs = [{"mode": "fetch", "threads": 4, "settings": worker_settings(
        redis_server, prefix, MONITORING_PER_HOST=per_host, MONITORING_POLITENESS_DELAY=delay),
        "urls": [f"http://{host}/gate/0.15?w={w}&n={n}" for n in range(each)]} for w in range(workers)]
    processes = start_workers(configs)
    reports = []
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["gate"] for r in reports] == ["shared"] * workers
    assert [r["ok"] for r in reports] == [each] * workers and not any(r["errors"] for r in reports)
    # What the server saw of all three processes together:
    starts = sorted(fixture_server.starts[host])
    assert len(starts) == workers * each
    assert fixture_server.peak[host] <= per_host
    # Starts are reserved on Redis's clock, the server sees them arrive: the tolerance is the jitter
    # between the two on a busy machine (a new connection, a thread woken late). k starts apart are at
    # least k delays apart; with a gate per process, three starts would arrive every delay.
    tolerance = 0.08
    for k in (1, 5, len(starts) - 1):
        closest = min(b - a for a, b in zip(starts, starts[k:]))
        assert closest >= k * delay - tolerance, (k, closest, starts)


def test_a_full_host_blocks_only_itself_and_a_waiter_gives_up_with_a_reason(redis_server, prefix):
    holder, other = shared(redis_server, prefix), shared(redis_server, prefix)   # two processes' gates
    polls = []
    acquire = other._acquire
    other._acquire = lambda **kw: polls.append(1) or acquire(**kw)
    try:
        with holder.enter("a.example.gov.cn"):
            with other.enter("b.example.gov.cn"):      # another host has its own slots
                assert other.in_flight == 1 and other.shared_peak_per_host["b.example.gov.cn"] == 1
            polls.clear()
            with pytest.raises(GateTimeout) as waited:
                with other.enter("a.example.gov.cn"):
                    pass
            assert str(waited.value) == GATE_TIMEOUT_REASON == "等待同一主机的访问名额超时"
            assert 2 <= len(polls) <= 20   # a backoff, not a spin (0.3 s of waiting)
        with other.enter("a.example.gov.cn"):          # released: the slot is there again
            assert other.peak_per_host == {"b.example.gov.cn": 1, "a.example.gov.cn": 1}
    finally:
        holder.close()
        other.close()


def test_a_page_the_gate_gave_up_on_is_not_checked_never_a_finding(redis_server, prefix, monitoring, settings):
    settings.REDIS_URL, settings.CACHE_KEY_PREFIX = redis_server, prefix
    settings.MONITORING_PER_HOST, settings.MONITORING_GATE_WAIT = 1, 0.2
    fetcher = HttpxFetcher()
    holder = shared(redis_server, prefix)
    try:
        assert isinstance(fetcher.gate, SharedHostGate)
        with holder.enter(f"127.0.0.1:{monitoring.http}"):
            page = fetcher.get(monitoring.url("/ok"))
            (link,) = check_account({"id": 1, "account_type": "KH", "url": monitoring.url("/app"), "platform_id": ""},
                                    fetcher, timezone.localdate())
            site = {"id": 1, "homepage": monitoring.url("/"), "icp_number": "", "police_record": "",
                    "columns": {"政策文件": {"urls": monitoring.url("/col/missing")}}}
            website = {o.kind: o for o in check_website(site, fetcher, timezone.localdate())}
        assert page.unchecked and page.ok is None and page.error == GATE_TIMEOUT_REASON
        assert link.kind == Kind.APP_DOWNLOAD and link.ok is None and GATE_TIMEOUT_REASON in link.detail
        assert website[Kind.HOMEPAGE].ok is None and website[Kind.HOMEPAGE].detail == f"首页未检查：{GATE_TIMEOUT_REASON}"
        assert website[Kind.COLUMNS].ok is None   # the 404 column was never asked: not a broken link
        assert fetcher.get(monitoring.url("/ok")).ok is True   # free again
    finally:
        holder.close()
        fetcher.close()


def test_the_lease_of_a_killed_holder_ends(redis_server, prefix):
    import redis

    (process,) = start_workers([{"mode": "hold", "host": "killed.example.gov.cn", "settings": worker_settings(
        redis_server, prefix, MONITORING_PER_HOST=1, MONITORING_GATE_LEASE=2.0)}])
    try:
        assert process.stdout.readline().strip() == "held"
    finally:
        process.kill()
        process.wait(10)
    gate = shared(redis_server, prefix, wait_limit=20)
    leases = gate.keys("killed.example.gov.cn")[0]
    client = redis.Redis.from_url(redis_server)
    try:
        assert client.zcard(leases) == 1    # the dead process's slot, until its lease ends
        with gate.enter("killed.example.gov.cn"):
            assert client.zcard(leases) == 1    # now ours
        assert client.zcard(leases) == 0
        assert 0 < client.pttl(leases) or not client.exists(leases)   # keys expire, nothing is left forever
    finally:
        client.close()
        gate.close()


def test_the_gate_is_chosen_by_the_setting_and_redis(settings, redis_server):
    from govmedia.ops.checks import monitoring_gate_refusal, monitoring_gate_warning

    db_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govmedia_cache"}}
    settings.CACHES, settings.REDIS_URL, settings.MONITORING_HOST_GATE = db_cache, "", "auto"
    settings.DEBUG, settings.MONITORING_ENABLED = False, True
    assert gate_mode() == "local" and type(make_gate()) is HostGate          # the demo: no Redis
    assert [w.id for w in monitoring_gate_warning()] == ["ops.W001"]         # production without Redis
    settings.MONITORING_HOST_GATE = "local"                                  # chosen knowingly: one worker
    assert type(make_gate()) is HostGate and monitoring_gate_warning() == []
    settings.MONITORING_HOST_GATE = "shared"
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        make_gate()
    assert [e.id for e in monitoring_gate_refusal()] == ["ops.E005"]

    settings.MONITORING_HOST_GATE = "auto"
    settings.REDIS_URL = redis_server
    gate = make_gate(2, 0.5, 10.0)
    assert isinstance(gate, SharedHostGate) and gate.url == redis_server and gate.lease == 30.0
    gate.close()
    assert monitoring_gate_warning() == [] and monitoring_gate_refusal() == []
    settings.REDIS_URL = ""                                                  # a RedisCache alone counts too
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server,
                                   "KEY_PREFIX": "govmedia-x"}}
    gate = make_gate()
    assert isinstance(gate, SharedHostGate) and gate.prefix == "govmedia-x:monitoring:gate"
    gate.close()
    settings.MONITORING_HOST_GATE = "local"
    assert type(make_gate()) is HostGate
    settings.MONITORING_HOST_GATE = "sometimes"
    assert [e.id for e in monitoring_gate_refusal()] == ["ops.E005"]
    settings.MONITORING_HOST_GATE, settings.DEBUG = "auto", True
    settings.CACHES, settings.REDIS_URL = db_cache, ""
    assert monitoring_gate_warning() == []                                   # the demo is not warned


def test_a_run_completes_when_redis_goes_away_mid_run(chain, monitoring, settings, caplog, tmp_path):
    process, port = _redis(tmp_path)
    try:
        settings.REDIS_URL, settings.CACHE_KEY_PREFIX = f"redis://127.0.0.1:{port}/0", "gate-fallback"
        settings.MONITORING_CHUNK_SIZE, settings.MONITORING_PER_HOST = 2, 2
        settings.MONITORING_CHECKS = {**settings.MONITORING_CHECKS, Kind.MARKS: False, Kind.TLS: False}
        monitoring.reset_gate_records()
        org = chain["haidian"].org_unit
        sites = [make_site(org, f"网站{n}", monitoring.url(f"/gate/0.05?site={n}"), f"11010800{n:02d}",
                           {"政策文件": {"urls": monitoring.url(f"/gate/0.05?column={n}")}}) for n in range(6)]
        fetcher = HttpxFetcher()
        seen = []

        def progress(run):   # after the first chunk, Redis goes away
            seen.append(fetcher.gate.kind)
            if len(seen) == 1:
                stop(process)

        run = runner.run_now(kinds=(runner.WEBSITES,), fetcher=fetcher, progress=progress)
        fetcher.close()
    finally:
        stop(process)
    assert seen == ["shared", "local (fallback)", "local (fallback)"]
    assert run.status == CheckRun.Status.DONE and run.objects_done == len(sites) and run.chunks_done == 3
    results = CheckResult.objects.filter(run=run)
    assert results.count() == 2 * len(sites) and all(r.ok is True for r in results)
    assert "shared host gate" in caplog.text and "per-process gate" in caplog.text
    assert monitoring.peak[f"127.0.0.1:{monitoring.http}"] <= 2   # the fallback still keeps the limit in this process
