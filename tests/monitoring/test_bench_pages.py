"""The bench's fixture websites (tests/monitoring/bench_pages.py): each scenario site fails exactly
the indicator check it plants, a clean site none, and the per-check cost harness of `make
bench-monitoring` (bench/monitoring_costs.py) runs the run's own checks on them and finds the same."""
from django.utils import timezone

from bench.monitoring import FIXTURE, FixtureFetcher, ensure_websites
from bench.monitoring_costs import CONTENT_FAILS, WEBSITE_STEPS, check_costs
from monitoring.checks import check_account, check_website
from monitoring.indicators import load_config
from monitoring.models import CONTENT_KINDS, Verdict
from monitoring.site_content import column_entries
from tests.monitoring import bench_pages

SITES = 26   # every scenario, and site 25 with its broken 栏目 address


def _serve(server, count=SITES):
    """The bench sites' pages registered on the suite's fixture server (the bench serves them in
    --bench mode), reached through the bench's fetcher (each URL onto the fixture server)."""
    FIXTURE.update(http=server.http, https=server.https)
    pages = bench_pages.Pages()
    for n in range(count):
        paths = ["/"] + [e["url"].split(".gov.cn", 1)[1] for e in column_entries(bench_pages.site_columns(n, f"bench{n}.gov.cn"))]
        for path in paths:
            body = pages.get(f"/bench{n}.gov.cn{path}")
            if body is not None:
                server.page(f"/bench{n}.gov.cn{path}", body)


def test_each_bench_site_fails_exactly_its_planted_indicator(db, monitoring, settings):
    settings.MONITORING_CHECKS = {}   # the content checks on, as in production
    _serve(monitoring)
    config = load_config()
    fetcher = FixtureFetcher(4)
    try:
        for n in range(SITES):
            host = f"bench{n}.gov.cn"
            site = {"id": n, "homepage": f"https://{host}/", "icp_number": "京ICP备00000001号",
                    "police_record": "京公网安备11000002000001号", "columns": bench_pages.site_columns(n, host),
                    "org_path": ""}
            found = check_website(site, fetcher, timezone.localdate(), config)
            failed = {o.kind for o in found if o.ok is False}
            planted = bench_pages.expected(n) | ({"columns"} if n % 25 == 0 else set())
            assert failed == planted, (n, [(o.kind, o.detail) for o in found if o.ok is False])
            # every content check judged the site (none 未检查), with its evidence when it failed
            judged = {o.kind: o for o in found if o.kind in CONTENT_KINDS}
            assert set(judged) == set(CONTENT_KINDS) and all(o.ok is not None for o in judged.values()), n
            for kind in bench_pages.expected(n):
                assert judged[kind].data and judged[kind].detail, (n, kind)
        assert {k for n in range(SITES) for k in bench_pages.expected(n)} == set(CONTENT_FAILS)
        # the account pages: one with a dictionary error, one without
        clean, wrong = bench_pages.account_pages(int(timezone.now().timestamp()) - 86400)
        for body, fails in ((clean, False), (wrong, True)):
            monitoring.page("/www.toutiao.com/c/user/1/", body)
            account = {"id": 1, "account_type": "TT", "url": "https://www.toutiao.com/c/user/1/", "platform_id": "uid:1",
                       "org_path": ""}
            outcome = {o.kind: o.ok for o in check_account(account, fetcher, timezone.localdate(), config)}
            assert outcome["expression"] is (not fails) and outcome["account_link"] is True
    finally:
        fetcher.close()


def test_the_cost_harness_times_every_check_and_finds_the_planted_problems(db, monitoring, settings, tree):
    settings.MONITORING_CHECKS = {}
    ensure_websites(SITES)
    _serve(monitoring)
    figures = check_costs(FixtureFetcher, sites=SITES, accounts=10)
    assert figures["cost_sites"] == SITES and figures["cost_mismatches"] == []
    for step, _label in WEBSITE_STEPS:
        assert figures["cost_calls"].get(f"website:{step}", 0) > 0, step
        assert figures["cost_ms"][f"website:{step}"] >= 0
    # the 栏目 dates were read once per reachable 栏目 (the broken ones of sites 0 and 25 are not read)
    assert figures["cost_calls"]["website:column_dates"] == figures["cost_columns"] - 2
    assert figures["cost_total_ms"]["website"] >= figures["cost_ms"]["website:homepage"]
    # the sample's verdicts were written (timed), one per planted problem
    assert figures["verdict_ms"] > 0
    assert Verdict.objects.filter(website__name__startswith="监测基准网站").count() == \
        sum(len(bench_pages.expected(n)) for n in range(SITES))
