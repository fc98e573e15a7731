"""The cost of each monitoring check per object (issue 27: `make bench-monitoring` reports the new
checks' cost at full scale), and the bench's proof that every check found what the fixture plants.

`check_costs` runs the run's own code (`checks.check_website`, `checks.check_account`, with the
indicators' config as `runner.run_chunk` reads it) on a sample of the bench's websites and accounts,
one object after the other in this thread, with the steps of each check wrapped in CPU timers
(time.process_time: this process's CPU, so the fixture server's and PostgreSQL's are not counted):

  websites  homepage (its fetch), certificate, 备案标识, 栏目 links (their fetches), then the content
            checks on the pages already fetched: homepage update, per-栏目 dates, 空白栏目, the 栏目
            verdicts, 错敏字 dictionary, 非法外链, 互动回应; and the verdict writes (wall time)
  accounts  link (its fetch), latest post (the platform reader), dictionary

`run_failures` counts the full run's failed results per check; `assert_expected` fails the bench
when a planted problem was not found or a clean site failed a content check (a check that matches
nothing must not pass for a cheap one), after the figures are written.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from unittest import mock
from urllib.parse import urlsplit

WEBSITE_STEPS = [
    ("homepage", "首页可访问（取首页）"), ("tls", "HTTPS证书"), ("marks", "备案标识"), ("columns", "栏目链接（取栏目页）"),
    ("home_update", "首页更新"), ("column_dates", "栏目更新日期（每栏目读日期）"), ("blank_columns", "空白栏目"),
    ("column_verdicts", "栏目更新判定（动态要闻/通知公告、应更新栏目、空白栏目）"), ("expression", "错敏字词库"),
    ("outlinks", "非法外链"), ("interaction", "互动回应（留言列表）"),
]
ACCOUNT_STEPS = [("account_link", "账号链接（取页面）"), ("account_update", "最新发布（平台读取）"),
                 ("expression", "错敏字词库")]
CONTENT_FAILS = ("home_update", "blank_columns", "key_columns", "expression", "outlinks", "interaction")


class _Timers:
    """CPU seconds per step; a step's wrapper adds the CPU its call took (nesting not counted twice)."""

    def __init__(self):
        self.cpu = defaultdict(float)
        self.calls = Counter()
        self.depth = 0
        self.subject = "website"
        self.home = None

    def wrap(self, step, function):
        def timed(*args, **kwargs):
            name = step(*args) if callable(step) else step
            if self.depth or name is None:
                return function(*args, **kwargs)
            self.depth += 1
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.cpu[(self.subject, name)] += time.process_time() - started
                self.calls[(self.subject, name)] += 1
                self.depth -= 1
        return timed


def check_costs(fetcher_class, sites: int = 300, accounts: int = 600) -> dict:
    from django.utils import timezone

    from monitoring import checks, runner, site_content
    from monitoring.indicators import load_config, record_verdicts
    from tests.monitoring.bench_pages import expected

    today = timezone.localdate()
    config = load_config()
    timers = _Timers()
    fetcher = fetcher_class(4)
    plain_get = fetcher.get

    def fetch_step(url):
        if timers.subject == "website":
            return "homepage" if url == timers.home else None   # 栏目 pages: inside the 栏目 links step
        return "account_link" if url == timers.home else None   # a reader's own source: inside latest post

    fetcher.get = timers.wrap(fetch_step, plain_get)
    patches = [
        (checks, "_check_tls", "tls"), (checks, "_marks_missing", "marks"), (checks, "_check_columns", "columns"),
        (checks, "_check_update", "account_update"),
        (site_content, "latest_date", lambda page, *a: "home_update" if page.url == timers.home else "column_dates"),
        (site_content, "is_blank", "blank_columns"), (site_content, "_column_outcomes", "column_verdicts"),
        (site_content, "expression_outcome", "expression"), (site_content, "outbound_links", "outlinks"),
        (site_content, "_interaction", "interaction"),
    ]
    mismatches, totals = [], Counter()
    try:
        with ExitStack() as stack:
            for module, name, step in patches:
                stack.enter_context(mock.patch.object(module, name, timers.wrap(step, getattr(module, name))))
            site_rows = list(runner.monitored(runner.WEBSITES).filter(name__startswith="监测基准网站").order_by("pk")
                             .values(*runner.WEBSITE_FIELDS)[:sites])
            outcomes, columns = [], 0
            for site in site_rows:
                timers.subject, timers.home = "website", checks.normalise_url(site["homepage"])
                started = time.process_time()
                found = checks.check_website(site, fetcher, today, config)
                totals["website"] += time.process_time() - started
                outcomes.append(found)
                columns += len(site_content.column_entries(site["columns"]))
                number = int(urlsplit(timers.home).hostname.removeprefix("bench").split(".")[0])
                failed = {o.kind for o in found if o.ok is False and o.kind in CONTENT_FAILS}
                if failed != expected(number):
                    mismatches.append(f"bench{number}.gov.cn: failed {sorted(failed)}, planted {sorted(expected(number))}")
            for found in outcomes:
                for o in found:
                    o.confirmed = o.ok is False
            wall = time.monotonic()
            record_verdicts("website", site_rows, outcomes)
            verdict_ms = (time.monotonic() - wall) * 1000 / max(1, len(site_rows))
            account_rows = list(runner.monitored(runner.ACCOUNTS).order_by("pk").values(*runner.ACCOUNT_FIELDS)[:accounts])
            account_fails, readers = Counter(), 0
            for account in account_rows:
                timers.subject, timers.home = "account", checks.normalise_url(account["url"])
                started = time.process_time()
                found = checks.check_account(account, fetcher, today, config)
                totals["account"] += time.process_time() - started
                readers += any(o.kind == "account_update" and o.ok is not None for o in found)
                account_fails.update(o.kind for o in found if o.ok is False)
    finally:
        fetcher.close()
    per = {"website": max(1, len(site_rows)), "account": max(1, len(account_rows))}
    return {
        "cost_sites": len(site_rows), "cost_accounts": len(account_rows), "cost_columns": columns,
        "cost_readers": readers, "dictionary_rules": len(config["dictionary"]),
        "cost_ms": {f"{subject}:{name}": cpu * 1000 / per[subject] for (subject, name), cpu in timers.cpu.items()},
        "cost_calls": {f"{subject}:{name}": n for (subject, name), n in timers.calls.items()},
        "cost_total_ms": {subject: cpu * 1000 / per[subject] for subject, cpu in totals.items()},
        "verdict_ms": verdict_ms, "cost_mismatches": mismatches,
        "account_expression_fails": account_fails.get("expression", 0),
    }


def run_failures(run) -> dict:
    """Failed results of the run per check kind (websites, accounts), and what the fixture planted
    on the bench's websites."""
    from django.db.models import Count

    from monitoring import runner
    from monitoring.models import CheckResult
    from tests.monitoring.bench_pages import expected

    failed = CheckResult.objects.filter(run=run, ok=False)
    websites = dict(failed.filter(website__isnull=False).values_list("kind").annotate(n=Count("id")))
    accounts = dict(failed.filter(account__isnull=False).values_list("kind").annotate(n=Count("id")))
    planted = Counter()
    for homepage in runner.monitored(runner.WEBSITES).filter(name__startswith="监测基准网站") \
            .values_list("homepage", flat=True).iterator(chunk_size=5000):
        planted.update(expected(int(urlsplit(homepage).hostname.removeprefix("bench").split(".")[0])))
    return {"failed": websites, "accounts": accounts, "planted": dict(planted)}


def doc_rows(f: dict) -> list[str]:
    """The table rows of the per-check costs (docs/benchmarks.md's monitoring block)."""
    if "cost_ms" not in f:
        return []
    ms, calls = f["cost_ms"], f["cost_calls"]
    sites, accounts = f["cost_sites"], f["cost_accounts"]

    def cell(subject, key, label):
        value = ms.get(f"{subject}:{key}", 0.0)
        per_call = ""
        if key == "column_dates" and calls.get(f"{subject}:{key}"):
            per_call = f" ({value * sites / calls[f'{subject}:{key}']:.2f} ms per 栏目)"
        return f"{label} {value:.2f} ms{per_call}"

    from tests.monitoring.bench_pages import ACCOUNT_ERROR_EVERY

    failed, planted = f["failures"]["failed"], f["failures"]["planted"]
    found = "; ".join(f"{kind} {failed.get(kind, 0):,} (planted {planted.get(kind, 0):,})" for kind in CONTENT_FAILS)
    return [
        f"| cost per website, CPU of the runner per check (sample of {sites:,} websites, {f['cost_columns']:,} 栏目; "
        f"this process's CPU, single thread) | " + "; ".join(cell("website", k, label) for k, label in WEBSITE_STEPS)
        + f"; all checks {f['cost_total_ms'].get('website', 0):.2f} ms; verdict writes {f['verdict_ms']:.2f} ms wall |",
        f"| cost per account, CPU per check (sample of {accounts:,} accounts, {f['cost_readers']:,} with a latest-post "
        f"reader) | " + "; ".join(cell("account", k, label) for k, label in ACCOUNT_STEPS)
        + f"; all checks {f['cost_total_ms'].get('account', 0):.2f} ms |",
        f"| content checks' failures in the run (websites; the fixture plants each problem on one site in 20) | {found}; "
        f"accounts: dictionary {f['failures']['accounts'].get('expression', 0):,} "
        f"(planted on about one account page in {ACCOUNT_ERROR_EVERY}, by a hash of its address; {f['dictionary_rules']} rules) |",
    ]


def assert_expected(f: dict) -> None:
    failed, planted = f["failures"]["failed"], f["failures"]["planted"]
    problems = list(f.get("cost_mismatches", []))[:20]
    for kind in CONTENT_FAILS:
        if failed.get(kind, 0) != planted.get(kind, 0):
            problems.append(f"{kind}: {failed.get(kind, 0)} failed in the run, {planted.get(kind, 0)} planted")
        if not planted.get(kind):
            problems.append(f"{kind}: nothing planted (the fixture matches nothing)")
    if not f["failures"]["accounts"].get("expression") or not f.get("account_expression_fails"):
        problems.append("expression: no account page's dictionary error found")
    if problems:
        raise SystemExit("bench-monitoring: the checks did not find exactly what the fixture plants:\n  "
                         + "\n  ".join(problems))
