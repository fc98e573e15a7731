"""The fetcher's settings, read at call time (tests override them with override_settings).

Every value has a default here; govmedia/settings.py reads the environment (docs/deploy.md). The
names keep their MONITORING_ prefix (the deployments' environment): an intranet deployment sets
MONITORING_ENABLED=0 (nothing is fetched: monitoring, the portal check, the continuity check) or
points every request through a proxy. The monitoring's own settings are `monitoring.conf`.
"""
from django.conf import settings

DEFAULTS = {
    # Off unless ops switch it on (issue 27: the demo and a fresh install never fetch real sites).
    "MONITORING_ENABLED": False,
    "MONITORING_FETCHER": "govmedia.fetch.fetchers.HttpxFetcher",
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
    "MONITORING_USER_AGENT": "govmedia-monitor/1.0 (+government website and new-media registry monitoring)",
    "MONITORING_CA_BUNDLE": "",                # a PEM file of CAs the TLS check trusts ('' = the system store)
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
