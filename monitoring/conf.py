"""The monitoring settings, read at call time (tests override them with override_settings).

Every value has a default here; govmedia/settings.py reads the environment (docs/deploy.md).
An intranet deployment sets MONITORING_ENABLED=0 (nothing is fetched, the scheduled job says so)
or switches single checks off with MONITORING_CHECKS, or points every request through a proxy.
"""
from django.conf import settings

DEFAULTS = {
    # Off unless ops switch it on (issue 27: the demo and a fresh install never fetch real sites).
    "MONITORING_ENABLED": False,
    # Never cry wolf (0044): a finding opens after this many failing runs in a row, the first and the
    # last at least MONITORING_CONFIRM_HOURS apart; a run that reaches none of the probe URLs records
    # every check 未检查; a host none of whose ≥ MONITORING_HOST_OUTAGE_MIN links answered in a chunk
    # (a platform down) likewise.
    "MONITORING_CONFIRM_RUNS": 2,
    "MONITORING_CONFIRM_HOURS": 4.0,
    "MONITORING_PROBE_URLS": ("https://www.gov.cn/",),
    "MONITORING_HOST_OUTAGE_MIN": 3,
    "MONITORING_CHECKS": {},                   # {kind: False} switches a check off (every kind on by default)
    "MONITORING_FETCHER": "monitoring.fetchers.HttpxFetcher",
    "MONITORING_ALLOWED_NETWORKS": (),         # CIDRs of private networks an intranet may fetch on purpose (0043)
    "MONITORING_PROXY": "",                    # e.g. http://proxy.intra:3128 (pages, links and the TLS check)
    "MONITORING_TIMEOUT": 10.0,                # seconds, connect and read
    "MONITORING_CONCURRENCY": 16,              # worker threads of one chunk (one process)
    "MONITORING_PER_HOST": 2,                  # requests in flight to one host at a time (all workers with a shared gate)
    "MONITORING_POLITENESS_DELAY": 0.5,        # seconds between two request starts on one host
    "MONITORING_HOST_GATE": "auto",            # auto | shared (Redis, every worker) | local (per process); 0034
    "MONITORING_GATE_WAIT": 300.0,             # seconds a request waits for a slot on its host, then is not checked
    "MONITORING_GATE_LEASE": None,             # seconds a slot is held at most (None: 2 × MONITORING_TIMEOUT + 10)
    "MONITORING_MAX_REDIRECTS": 5,
    "MONITORING_MAX_BODY_BYTES": 512 * 1024,   # a page is read up to this size, the rest is not downloaded
    "MONITORING_MAX_COLUMN_URLS": 30,          # 栏目 links checked per site and run
    "MONITORING_USER_AGENT": "govmedia-monitor/1.0 (+government website and new-media registry monitoring)",
    "MONITORING_CA_BUNDLE": "",                # a PEM file of CAs the TLS check trusts ('' = the system store)
    "MONITORING_STALE_DAYS": 14,               # 监测时间点前2周无更新: more days than this without a post
    "MONITORING_CERT_WARN_DAYS": 30,           # the TLS check notes a certificate expiring this soon
    "MONITORING_CHUNK_SIZE": 500,              # objects per queued chunk (the run's progress step)
    "MONITORING_KEEP_RESULTS_DAYS": 30,        # CheckResult history kept (findings stay)
    # Where the per-platform latest-post readers fetch (a mirror or gateway may stand in).
    "MONITORING_PLATFORM_ENDPOINTS": {"WB": "https://m.weibo.cn", "BL": "https://api.bilibili.com"},
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def check_enabled(kind: str) -> bool:
    return bool(get("MONITORING_ENABLED")) and get("MONITORING_CHECKS").get(kind, True)
