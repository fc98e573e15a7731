"""A separate process for tests/monitoring/test_shared_gate.py: one fetcher (and so one gate) of
its own, as a queue worker on another server has.

    python -m tests.monitoring.gate_worker '{"settings": {...}, "mode": "fetch", "urls": [...], "threads": 4}'

It configures Django with only the given settings, prints "ready", waits for a line on stdin (so
that every worker starts at once), then
  mode "fetch": fetches the URLs with `threads` threads and prints one JSON line (gate kind, pages
                ok, errors, this process's peak in flight);
  mode "hold":  enters the gate for `host` and prints "held", then sleeps until it is killed.
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def main():
    config = json.loads(sys.argv[1])
    from django.conf import settings

    settings.configure(**config["settings"])
    from govmedia.fetch.fetchers import HttpxFetcher

    fetcher = HttpxFetcher(config.get("threads", 4))
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        if config["mode"] == "hold":
            with fetcher.gate.enter(config["host"]):
                print("held", flush=True)
                time.sleep(3600)
            return
        with ThreadPoolExecutor(max_workers=config.get("threads", 4)) as pool:
            pages = list(pool.map(fetcher.get, config["urls"]))
        print(json.dumps({"gate": fetcher.gate.kind, "ok": sum(1 for p in pages if p.ok),
                          "errors": [p.error for p in pages if p.error], "peak": fetcher.gate.peak}), flush=True)
    finally:
        fetcher.close()


if __name__ == "__main__":
    main()
