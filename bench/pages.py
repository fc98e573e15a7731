"""`BENCH_ONLY=pages make bench` (also part of the whole `make bench`): every page a person opens
without an id — each route of the URLconf that takes no argument, answers GET and that the access
map lets the user open, and each tab such a page links to — for GB, a province, the county with the
most accounts of that province, the filer unit with the most accounts and a website of that
province, on the national bench data. Per page: the answer, the time
(median of BENCH_PAGE_RUNS), the queries and the size. It fails loudly: a page that errs, that takes
more than PAGE_MS_MAX, or that runs more than MAX_QUERIES queries is marked ❌, and a run that walks
fewer pages than a role's menu holds stops with an error (a walk that matches nothing is no
measurement). Each page's time is also given as a multiple of the same page for the county, which
shows what grows with the subtree (the SQL floors of the heavy pages are in the list and
supervision rows).

Writes the table into docs/benchmarks.md between its markers. Run through scripts/bench.sh."""
import html
import os
import re
import statistics
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings_bench")
import django  # noqa: E402

django.setup()

from govmedia.ops.warmup import warm_up  # noqa: E402

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts_media.models import MediaAccount  # noqa: E402
from bench.measure import machine_text, queries_of, replace_block, results_block  # noqa: E402
from bench.walk import pages_of  # noqa: E402
from govmedia.navigation import menu_for  # noqa: E402
from orgtree.models import FilerUnit, OrgUnit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- pages-bench:begin -->", "<!-- pages-bench:end -->"
RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "3"))
PAGE_MS_MAX = float(os.environ.get("BENCH_PAGE_MS_MAX", "1000"))  # any page a person opens, any scope
MAX_QUERIES = 20
TAB_LINK = re.compile(r'href="(\?(?:[^"]*&(?:amp;)?)?tab=[^"]*)"')  # a list's tabs: "?tab=pending", "?source=media&amp;tab=all"
MAX_TABS = 8
rows: list[tuple] = []
posted: set[str] = set()
LOAD_AT_START = " / ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(client, url: str, tabs: list | None = None) -> tuple[int, float, int, int]:
    """(status after redirects, median ms, queries, KB) of one page; the addresses of its tabs
    (links to the same page with ?tab=…) appended to `tabs` when given."""
    response = client.get(url, follow=True)
    status = response.status_code
    if status == 405:
        return status, 0.0, 0, 0
    if tabs is not None and status == 200:
        found = dict.fromkeys(html.unescape(link) for link in TAB_LINK.findall(response.content.decode()))
        tabs += [f"{url}{link}" for link in found][:MAX_TABS]
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url, follow=True)
        samples.append((time.perf_counter() - started) * 1000)
    queries = len(queries_of(lambda: client.get(url, follow=True)))
    return status, statistics.median(samples), queries, len(response.content) // 1024


def viewers() -> dict[str, User]:
    gb = User.objects.get(username="GB0000")
    province = OrgUnit.objects.get(code=os.environ.get("BENCH_PROVINCE", "510000"))
    county = (MediaAccount.objects.filter(org_path__startswith=province.path, reviewer__level=3)
              .values("reviewer").order_by().annotate(n=Count("id")).order_by("-n").first())
    county_unit = OrgUnit.objects.get(pk=county["reviewer"]) if county else OrgUnit.objects.filter(level=3).first()
    filer = FilerUnit.objects.order_by("-account_total", "id").first()
    # A website's login (网站 role): a running site of that province, finally approved (generate_scale_websites).
    site = (User.objects.filter(kind=User.Kind.SITE, website__org_path__startswith=province.path,
                                website__filing="done", website__run_status="normal").order_by("username").first())
    found = {"GB": gb, f"省 {province.code}": User.objects.get(username=province.code),
             f"县 {county_unit.code}": User.objects.get(username=county_unit.code),
             f"填报单位 {filer.code}": User.objects.filter(filer_unit=filer).first(),
             f"网站 {site.username if site else '—'}": site}
    missing = [who for who, user in found.items() if user is None]
    if missing:
        raise SystemExit(f"bench pages: no login for {missing}: run create_org_users / generate_scale_data / "
                         "generate_scale_websites first")
    return found


def main():
    results: dict[str, dict[str, tuple]] = {}
    found = viewers()
    county = next(who for who in found if who.startswith("县"))
    for who, user in found.items():
        client = Client()
        client.force_login(user)
        pages = pages_of(user)
        menu = menu_for(user)
        if len(pages) < len(menu):
            raise SystemExit(f"bench pages: {who} has {len(menu)} menu entries but only {len(pages)} pages were found")
        for name, url in pages:
            tabs: list[str] = []
            status, ms, queries, size = measure(client, url, tabs)
            if status == 405:  # a form's POST endpoint (require_POST): not a page to read
                posted.add(name)
                continue
            results.setdefault(name, {})[who] = (url, status, ms, queries, size)
            for tab_url in tabs:  # each tab of a list: its own first page (rows the default tab does not show)
                results.setdefault(f"{name} {tab_url.partition('?')[2]}", {})[who] = (tab_url, *measure(client, tab_url))
    for who in found:
        for name, by_viewer in results.items():
            if who not in by_viewer:
                continue
            url, status, ms, queries, size = by_viewer[who]
            ok = status == 200 and ms <= PAGE_MS_MAX and queries <= MAX_QUERIES
            base = by_viewer.get(county)
            versus = f", {ms / base[2]:.1f} × the county's" if base and base[2] and who != county else ""
            record(f"{who}: {url} ({name})", f"{ms:.0f} ms, {queries} q", f"200, ≤{PAGE_MS_MAX:.0f} ms, ≤{MAX_QUERIES} q",
                   ok, f"{status}, {size} KB{versus}")
    walked = sum(len(v) for v in results.values())
    if not walked:
        raise SystemExit("bench pages: no page was measured")
    print(f"not pages (405 on GET, POST only): {', '.join(sorted(posted))}")
    write_doc(walked)


def record(what, value, target="", ok=None, note=""):
    mark = "" if ok is None else ("✅" if ok else "❌ miss")
    rows.append((what, value, target, mark, note))
    print(f"{what:70s} {value:>16s} {target:>24s} {mark} {note}")


def write_doc(walked: int):
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    missed = sum(1 for r in rows if r[3].startswith("❌"))
    preamble = (f"Run {datetime.now():%Y-%m-%d %H:%M} (server local time) on {machine_text()}; "
                f"{MediaAccount.objects.count():,} accounts; {walked} pages walked, {missed} missed; medians of {RUNS} runs "
                f"(`python -m bench.pages`). Load average at the start {LOAD_AT_START}, at the end {load}. "
                f"Answering GET with 405 (a form's POST endpoint), not walked: {', '.join(sorted(posted)) or 'none'}.")
    replace_block(DOC, BEGIN, END, results_block(BEGIN, END, preamble, rows, first="page"))


if __name__ == "__main__":
    warm_up()  # the process as govmedia/wsgi.py starts it in production (URLconf loaded, gc.freeze)
    main()
