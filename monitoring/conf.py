"""The monitoring settings, read at call time (tests override them with override_settings).

Every value has a default here or, for the fetcher's (MONITORING_ENABLED, the proxy, the timeouts,
the per-host gate …), in `govmedia.fetch.conf`; govmedia/settings.py reads the environment
(docs/deploy.md). An intranet deployment sets MONITORING_ENABLED=0 (nothing is fetched, the
scheduled job says so) or switches single checks off with MONITORING_CHECKS.
"""
from django.conf import settings

from govmedia.fetch import conf as fetch_conf

DEFAULTS = {
    **fetch_conf.DEFAULTS,
    # Never cry wolf (0044): a finding opens after this many failing runs in a row, the first and the
    # last at least MONITORING_CONFIRM_HOURS apart; a run that reaches none of the probe URLs records
    # every check 未检查; a host none of whose ≥ MONITORING_HOST_OUTAGE_MIN links answered in a chunk
    # (a platform down) likewise.
    "MONITORING_CONFIRM_RUNS": 2,
    "MONITORING_CONFIRM_HOURS": 4.0,
    "MONITORING_PROBE_URLS": ("https://www.gov.cn/",),
    "MONITORING_HOST_OUTAGE_MIN": 3,
    "MONITORING_CHECKS": {},                   # {kind: False} switches a check off (every kind on by default)
    "MONITORING_MAX_COLUMN_URLS": 30,          # 栏目 links checked per site and run
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
