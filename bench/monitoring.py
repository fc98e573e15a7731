"""`make bench` (or `make bench-monitoring`): one check run over 20,000 websites and 250,000
accounts on the register (`topup_accounts`) against the local fixture server, in its own process; wall time,
peak RSS of the runner, concurrency. Writes the figures into docs/benchmarks.md.

Every request goes to the fixture server: `FixtureFetcher` (a MONITORING_FETCHER plug-in, bench
only) rewrites each URL onto it, while the per-host gate still sees the real hosts
(mp.weixin.qq.com, weibo.com, bench123.gov.cn …). The gate is production's: shared through Redis
(decision 0034) — REDIS_URL's, else a redis-server started here for the run when one is installed;
BENCH_MONITOR_GATE=local measures the per-process gate. The figures say which gate ran. Run
through scripts/bench.sh (it prepares the data).
"""
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings_bench")
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from govmedia.fetch.fetchers import HttpxFetcher  # noqa: E402
from bench.measure import replace_block  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- monitor-bench:begin -->", "<!-- monitor-bench:end -->"
SITES = int(float(os.environ.get("BENCH_SCALE", "1")) * 20_000)
CONCURRENCY = int(os.environ.get("BENCH_MONITOR_CONCURRENCY", "32"))
PER_HOST = int(os.environ.get("BENCH_MONITOR_PER_HOST", "8"))
FIXTURE: dict = {}


class FixtureFetcher(HttpxFetcher):
    """Every page from the fixture server (path = /<host><path>), every TLS handshake with its
    HTTPS listener; the gate keyed on the real host."""

    def get(self, url):
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        page = self._get(url, f"http://127.0.0.1:{FIXTURE['http']}/{parts.netloc}{parts.path}{query}")
        page.final_url = url  # the fixture serves no redirects: the page is the one asked for
        return page

    def _connect(self, host, port):
        from govmedia.fetch import addresses

        # through the address guard like any connection (127.0.0.1 is on the bench's allow-list)
        return addresses.connect("127.0.0.1", FIXTURE["https"], self.timeout)


def ensure_websites(count: int) -> int:
    """`count` 正常 websites with a 网站标识码, their 栏目 as tests/monitoring/bench_pages.py plans them
    (three, or twelve for two scenarios; one site in 25 files a broken address), spread over the org
    units; created once (marked by their names)."""
    from orgtree.models import OrgUnit
    from tests.monitoring.bench_pages import site_columns
    from websites.models import Website

    have = Website.objects.filter(name__startswith="监测基准网站").count()
    if have >= count:
        return have
    units = list(OrgUnit.objects.filter(is_active=True).values_list("pk", "path", "name"))
    batch = []
    for n in range(have, count):
        pk, path, name = units[n % len(units)]
        host = f"bench{n}.gov.cn"
        batch.append(Website(
            name=f"监测基准网站{n:05d}", homepage=f"https://{host}/", homepage_key=host, org_unit_id=pk, org_path=path,
            sponsor=f"{name}办公室", operator_unit=f"{name}信息中心", icp_number="京ICP备00000001号",
            police_record="京公网安备11000002000001号", head_name="王主任", head_title="主任", head_mobile="13811112222",
            contact_name="李联系", contact_title="科员", contact_mobile="13933334444", contact_email="web@example.gov.cn",
            columns=site_columns(n, host), filing="done", tracking_code=f"B{n:015d}", site_code=f"9{n:09d}"))
        if len(batch) == 2000:
            Website.objects.bulk_create(batch)
            batch = []
    Website.objects.bulk_create(batch)
    return count


TOPUP = "监测基准账号"
ACCOUNTS = int(float(os.environ.get("BENCH_SCALE", "1")) * 250_000)


def topup_accounts(target: int) -> int:
    """Accounts on the register up to `target` (the issue's 250,000 accounts checked): the generated
    data has 250,000 accounts, of which drafts, pending additions, rejections and closures are not
    monitored, so the missing ones are added as 正常 accounts of random filer units, marked by their
    names and removed again after the run (the other benches keep their 250,000). Returns how many."""
    import random

    from accounts_media.management.commands.generate_scale_data import TYPE_WEIGHTS, url_for
    from accounts_media.models import MediaAccount, Status
    from monitoring import runner
    from orgtree.models import FilerUnit

    remove_topup()
    missing = target - runner.monitored(runner.ACCOUNTS).count()
    if missing <= 0:
        return 0
    rng = random.Random(18)
    filers = list(FilerUnit.objects.values_list("pk", "code", "org_unit__path")[:5000])
    types, weights = zip(*TYPE_WEIGHTS)
    batch = []
    for n in range(missing):
        filer_id, filer_code, path = filers[n % len(filers)]
        code = rng.choices(types, weights)[0]
        url, platform_id = url_for(code, 900_000_000 + n)
        batch.append(MediaAccount(
            filer_unit_id=filer_id, org_path=path, media_code=f"JC{n:010d}", account_type=code, url=url,
            platform_id=platform_id, name=f"{TOPUP}{n:06d}", operator="开设主体", status=Status.NORMAL,
            represents_government=False, func_publish=True,
            wechat_kind="subscription" if code == "WX" else "", platform_name="政务平台" if code == "QT" else (
                "微信小程序" if code == "XC" else "")))
        if len(batch) == 5000:
            MediaAccount.objects.bulk_create(batch)
            batch = []
    MediaAccount.objects.bulk_create(batch)
    return missing


def remove_topup() -> int:
    """The accounts `topup_accounts` added, with their results and findings (one DELETE each)."""
    from accounts_media.models import MediaAccount
    from monitoring.models import CheckResult, Finding

    added = MediaAccount.objects.filter(name__startswith=TOPUP)
    CheckResult.objects.filter(account__in=added)._raw_delete(CheckResult.objects.db)
    Finding.objects.filter(account__in=added)._raw_delete(Finding.objects.db)
    return added._raw_delete(MediaAccount.objects.db)


def main(costs_only: bool = False):
    """The run and its figures; with costs_only (`python -m bench.monitoring --costs`) only the
    per-check costs on the bench's websites and accounts as they are, printed, nothing written."""
    from monitoring import runner

    server = subprocess.Popen([sys.executable, "-m", "tests.monitoring.fixture_server", "--bench"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    redis = None
    try:
        FIXTURE.update(json.loads(server.stdout.readline()))
        settings.MONITORING_FETCHER = "bench.monitoring.FixtureFetcher"
        settings.MONITORING_ALLOWED_NETWORKS = ["127.0.0.1/32"]   # the fixture server, through the guard (0043)
        settings.MONITORING_CONCURRENCY = CONCURRENCY
        settings.MONITORING_PER_HOST = PER_HOST
        settings.MONITORING_POLITENESS_DELAY = 0.0
        settings.MONITORING_TIMEOUT = 10.0
        settings.MONITORING_CA_BUNDLE = FIXTURE["ca"]
        settings.MONITORING_PLATFORM_ENDPOINTS = {"WB": "https://m.weibo.cn", "BL": "https://api.bilibili.com"}
        settings.MONITORING_HOST_GATE = os.environ.get("BENCH_MONITOR_GATE", settings.MONITORING_HOST_GATE)
        settings.MONITORING_ENABLED = True     # off by default since issue 27: the bench is ops asking for a run
        settings.MONITORING_CONFIRM_RUNS = 1   # one run: findings written as a confirmed failure would be (0044)
        redis = own_redis()
        sites = ensure_websites(SITES)
        if costs_only:
            from bench.monitoring_costs import check_costs

            figures = check_costs(FixtureFetcher)
            print(json.dumps(figures, ensure_ascii=False, indent=1))
            if figures["cost_mismatches"]:
                raise SystemExit("bench-monitoring: planted problems not found exactly:\n  "
                                 + "\n  ".join(figures["cost_mismatches"][:20]))
            return
        added = topup_accounts(ACCOUNTS)
        accounts = runner.monitored(runner.ACCOUNTS).count()
        monitored_sites = runner.monitored(runner.WEBSITES).count()
        load_before = os.getloadavg()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        last = [0.0]

        def progress(run):
            if time.monotonic() - last[0] > 30:
                last[0] = time.monotonic()
                print(f"  {run.objects_done}/{run.objects_total} ({run.percent}%) after {time.monotonic() - started:.0f} s",
                      flush=True)

        fetcher = FixtureFetcher(CONCURRENCY)
        try:
            run = runner.run_now(fetcher=fetcher, progress=progress, trigger="bench")
        finally:
            fetcher.close()
        wall = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from monitoring.models import CheckResult, Finding

        results = CheckResult.objects.filter(run=run).count()
        findings = Finding.objects.filter(last_run=run, closed_at__isnull=True).count()
        figures = {
            "objects": run.objects_total, "sites": monitored_sites, "accounts": accounts, "generated_sites": sites,
            "added_accounts": added,
            "wall": wall, "rate": run.objects_total / wall if wall else 0, "peak_mb": peak_mb,
            "rss_before_mb": rss_before / 1024, "concurrency": CONCURRENCY, "per_host": PER_HOST,
            "peak_in_flight": fetcher.gate.peak, "results": results, "findings": findings,
            "gate": fetcher.gate.kind, "peak_one_host": fetcher.gate.peak_on_one_host,
            "shared_peak_one_host": getattr(fetcher.gate, "shared_peak", None),
            "busiest_host": max(fetcher.gate.peak_per_host, key=fetcher.gate.peak_per_host.get, default=""),
            "load_before": load_before, "load_after": os.getloadavg(),
        }
        from bench import monitoring_costs   # read when the run is done (the per-check costs, issue 27)

        figures["failures"] = monitoring_costs.run_failures(run)
        figures.update(monitoring_costs.check_costs(FixtureFetcher))
        print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
        write_doc(figures)
        monitoring_costs.assert_expected(figures)   # a check that found nothing planted fails the bench, loudly
    finally:
        remove_topup()
        server.terminate()
        server.wait(10)
        if redis is not None:
            from tests.servers import stop

            stop(redis[0])


def own_redis():
    """A redis-server for the shared gate when the settings have no Redis (none with BENCH_MONITOR_GATE=local)."""
    import tempfile

    from govmedia.fetch.gates import redis_url
    from tests.servers import _start_redis

    if settings.MONITORING_HOST_GATE == "local" or redis_url():
        return None
    started = _start_redis(Path(tempfile.mkdtemp(prefix="govmedia-bench-redis-")))
    if started is not None:
        settings.REDIS_URL = f"redis://127.0.0.1:{started[1]}/0"
    return started


def gate_line(f: dict) -> str:
    if f["gate"] == "shared":
        return (f"shared through Redis (decision 0034); peak on one host {f['peak_one_host']} in this process, "
                f"{f['shared_peak_one_host']} leases held at once on one host in Redis")
    return f"{f['gate']} (per process); peak on one host {f['peak_one_host']}"


def write_doc(f: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    machine = f"{platform.node()} ({os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {pg})"
    lines = [BEGIN, "", f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine}; load average "
             f"{f['load_before'][0]:.1f} before, {f['load_after'][0]:.1f} after (other work on the machine counts).", "",
             "| what | figure |", "| --- | --- |",
             f"| objects checked | {f['objects']:,} ({f['sites']:,} websites: homepage, certificate, 备案标识, the content checks, 3 栏目 each, 12 on one in 10; "
             f"{f['accounts']:,} accounts on the register: the generated ones that are monitored, topped up with "
             f"{f['added_accounts']:,} 正常 accounts removed after the run; link, latest post where a reader exists) |",
             f"| wall time | {f['wall']:.0f} s ({f['rate']:.0f} objects/s) |",
             f"| peak RSS of the runner process | {f['peak_mb']:.0f} MB ({f['rss_before_mb']:.0f} MB before the run) |",
             f"| concurrency | {f['concurrency']} threads, ≤ {f['per_host']} per host, no politeness delay; "
             f"peak requests in flight {f['peak_in_flight']} |",
             f"| per-host gate | {gate_line(f)} |",
             f"| CheckResult rows written | {f['results']:,} |",
             f"| findings open after the run | {f['findings']:,} (the broken 栏目 link of one site in 25, …) |",
             ]
    from bench.monitoring_costs import doc_rows

    lines += doc_rows(f) + ["", END]
    replace_block(DOC, BEGIN, END, "\n".join(lines), heading="## Monitoring check run (issue 18)")


if __name__ == "__main__":
    main(costs_only="--costs" in sys.argv[1:])
