"""`make bench` (or `BENCH_ONLY=supervision make bench`): the quarterly supervision at national
scale (issue 25) — a national round opened as a job (wall, CPU, rows made), 检查季度 for GB,
四川 and a county, 季度通报 for 四川 and GB; each page against the SQL floor of its own queries
and its query count. Writes the figures into docs/benchmarks.md. Run through scripts/bench.sh.

The round is made for the current quarter (any earlier round of it is removed first, so a run can
be repeated); then 60 % of the filer sheets are marked reported set-wise (rows 合格 but one in ten)
and the filers' 截止日期 is yesterday, so the pages show reported, overdue and pending sheets.
"""
import os
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings_bench")
import django  # noqa: E402

django.setup()

from govmedia.ops.warmup import warm_up  # noqa: E402

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.measure import (machine_text, median_ms, paired_medians, queries_of, replace_block,  # noqa: E402
                           results_block, run_bare)
from orgtree.models import OrgUnit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- supervision-bench:begin -->", "<!-- supervision-bench:end -->"
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
MAX_QUERIES = 12
SMALL_SUBTREE = 2_000  # sheets
rows: list[tuple] = []
LOAD_AT_START = " / ".join(f"{x:.1f}" for x in os.getloadavg())


def record(what, value, target="", ok=None, note=""):
    mark = "" if ok is None else ("✅" if ok else "❌ miss")
    rows.append((what, value, target, mark, note))
    print(f"{what:60s} {value:>24s} {target:>22s} {mark} {note}")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def clear_quarter(year: int, quarter: int) -> None:
    from reports.models import CheckRound, CheckSheet, SheetReminder, SpotCheckItem

    SheetReminder.objects.filter(sheet__year=year, sheet__quarter=quarter).delete()
    SpotCheckItem.objects.filter(sheet__year=year, sheet__quarter=quarter).delete()
    CheckSheet.objects.filter(year=year, quarter=quarter).delete()
    CheckRound.objects.filter(year=year, quarter=quarter).delete()


def bench_round(gb: User, year: int, quarter: int):
    from jobs import services
    from reports.check_rounds import deadline_tiers, open_round
    from reports.models import CheckSheet, SpotCheckItem

    clear_quarter(year, quarter)
    verdicts = seed_verdicts(year, quarter)
    today = timezone.localdate()
    deadlines = {key: today + timedelta(days=10) for key, _ in deadline_tiers(gb.org_unit)}
    started = time.perf_counter()
    round_ = open_round(gb, year, quarter, deadlines)
    request_ms = (time.perf_counter() - started) * 1000
    record("发起检查 (GB, national): the request", f"{request_ms:.0f} ms", "answers at once", request_ms < 2000,
           f"the round and its job; {round_.sheets_total:,} sheets to make")
    cpu_before, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    assert services.execute(round_.job_id) == "done"
    wall = time.perf_counter() - wall
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    sheets = CheckSheet.objects.filter(year=year, quarter=quarter).count()
    items = SpotCheckItem.objects.filter(sheet__year=year, sheet__quarter=quarter).count()
    marked = SpotCheckItem.objects.filter(sheet__year=year, sheet__quarter=quarter, passed=False).count()
    record("发起检查 (GB, national) as a job: wall", f"{wall:.1f} s", "completes as a job", sheets == round_.sheets_total,
           f"{sheets:,} sheets + {items:,} prefilled rows ({marked:,} marked 不合格 from {verdicts:,} monitoring "
           f"verdicts); app CPU {cpu:.1f} s (the rest is PostgreSQL)")
    # A second delivery of the same job (or a retry) makes nothing more.
    from jobs.models import Job

    again = services.start_job(gb, Job.Kind.CHECK_ROUND, "bench again", {"round": round_.pk})
    started = time.perf_counter()
    services.execute(again.pk)
    rerun = time.perf_counter() - started
    same = CheckSheet.objects.filter(year=year, quarter=quarter).count() == sheets
    record("发起检查 run again (idempotent)", f"{rerun:.1f} s", "no new rows", same,
           f"{CheckSheet.objects.filter(year=year, quarter=quarter).count():,} sheets")
    return round_


BENCH_VERDICT = "监测时间点前2周无更新（bench）"


def seed_verdicts(year: int, quarter: int) -> int:
    """One live account in 50 failing 内容不更新 in the quarter (monitoring's verdicts), so the round's
    prefill runs monitoring's step at scale (the earlier run's seeded verdicts removed first)."""
    period = f"{year}Q{quarter}"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_verdict WHERE period = %s AND detail = %s", [period, BENCH_VERDICT])
        cursor.execute("""INSERT INTO monitoring_verdict (indicator_id, account_id, website_id, org_path, period, detail,
                                                          evidence, first_seen, last_seen)
                          SELECT ind.id, a.id, NULL, a.org_path, %s, %s, '{}'::jsonb, now(), now()
                          FROM accounts_media_mediaaccount a, monitoring_indicator ind
                          WHERE ind.code = 'M_STALE' AND a.media_code IS NOT NULL AND a.removed_at IS NULL AND a.id %% 50 = 0
                          ON CONFLICT DO NOTHING""", [period, BENCH_VERDICT])
        made = cursor.rowcount
        cursor.execute("ANALYZE monitoring_verdict")
    return made


def mark_reported(year: int, quarter: int) -> None:
    """60 % of the filer sheets reported (rows 合格, one in ten not), the filers' date yesterday."""
    yesterday = timezone.localdate() - timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("""UPDATE reports_spotcheckitem i SET passed = (i.id %% 10 <> 0),
                              problems = CASE WHEN i.id %% 10 = 0 THEN '["监测时间点前2周无更新"]'::jsonb ELSE '[]'::jsonb END,
                              rectification = CASE WHEN i.id %% 10 = 0 THEN '已整改' ELSE '' END
                          FROM reports_checksheet s WHERE s.id = i.sheet_id AND s.year = %s AND s.quarter = %s
                            AND s.filer_unit_id IS NOT NULL AND s.id %% 5 < 3""", [year, quarter])
        cursor.execute("""UPDATE reports_checksheet s SET status = 'submitted', submitted_at = now(),
                              filler_name = '填表人', filler_phone = '010-12345678',
                              own_checked_count = c.checked, checked_count = c.checked,
                              own_failed_count = c.failed, failed_count = c.failed
                          FROM (SELECT s2.id, count(i.id) FILTER (WHERE NOT i.unregistered) AS checked,
                                       count(i.id) FILTER (WHERE i.passed = false) AS failed
                                FROM reports_checksheet s2 LEFT JOIN reports_spotcheckitem i ON i.sheet_id = s2.id
                                WHERE s2.year = %s AND s2.quarter = %s AND s2.filer_unit_id IS NOT NULL AND s2.id %% 5 < 3
                                GROUP BY s2.id) c
                          WHERE s.id = c.id""", [year, quarter])
        cursor.execute("UPDATE reports_checksheet SET due_date = %s WHERE year = %s AND quarter = %s "
                       "AND filer_unit_id IS NOT NULL", [yesterday, year, quarter])
        cursor.execute("ANALYZE reports_checksheet")
        cursor.execute("ANALYZE reports_spotcheckitem")


LAYOUT: dict = {}


def layout_floor(user: User):
    """What any page of ours costs with no content (session, user, the cached menu, the layout):
    the 用户设置 page. Its queries are not the page's own."""
    fetch = LAYOUT["fetch"] = _fetch(client_for(user), "/settings/")
    LAYOUT["queries"] = len(queries_of(fetch))
    LAYOUT["ms"] = median_ms(fetch, RUNS)
    record("framework floor: 用户设置 page (GB)", f"{LAYOUT['ms']:.0f} ms", "reference", None,
           f"{LAYOUT['queries']} queries")


def bench_page(label: str, user: User, url: str, sheets: int):
    client = client_for(user)
    fetch = _fetch(client, url)
    size = len(fetch().content)
    sqls = queries_of(fetch)
    own = [q for q in sqls[2:] if "govmedia_cache" not in q]  # not the session, the user, the menu's cache
    # The page, its own SQL and the layout floor page sampled in turn (bench.measure.paired_medians).
    runs = RUNS if sheets > SMALL_SUBTREE else max(RUNS, 21)  # a county's page takes ~10 ms: more samples
    page_ms, floor, layout_ms = paired_medians([fetch, lambda: run_bare(own), LAYOUT["fetch"]], runs)
    # The page's own SQL, plus what every page costs (the layout floor): what 3 × its queries allows.
    ok = page_ms <= 3 * floor + layout_ms and len(own) <= MAX_QUERIES
    record(f"{label}", f"{page_ms:.0f} ms", f"≤ 3 × SQL floor (+ layout), ≤ {MAX_QUERIES} own queries", ok,
           f"SQL floor {floor:.1f} ms ({page_ms / floor if floor else 0:.1f}×), layout {layout_ms:.1f} ms, {len(own)} own queries "
           f"({len(sqls)} with the layout's), {size / 1024:.0f} KB, subtree {sheets:,} sheets")


def _fetch(client, url):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response
    return fetch


def write_doc():
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    preamble = (f"Run {datetime.now():%Y-%m-%d %H:%M} (server local time) on {machine_text()}; medians of {RUNS} runs "
                f"({max(RUNS, 21)} for a subtree of at most {SMALL_SUBTREE:,} sheets), each page sampled in turn with its "
                f"SQL floor and the layout page (`python -m bench.supervision`). Load average (1/5/15 min) at the start {LOAD_AT_START}, at the end "
                f"{load}: the machine was shared, so times are upper bounds; the query counts do not depend on it.")
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    kept = []
    if not any(r[0].startswith("发起检查") for r in rows) and BEGIN in text:  # pages only: keep the round's rows
        kept = [line for line in text[text.index(BEGIN):text.index(END)].splitlines() if line.startswith("| 发起检查")]
    replace_block(DOC, BEGIN, END, results_block(BEGIN, END, preamble, rows, kept=kept))


def main():
    from reports.models import CheckSheet

    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    gb = User.objects.get(username="GB0000")
    if os.environ.get("BENCH_SUPERVISION_ROUND", "1") != "0":  # 0: the pages only, on the quarter made before
        bench_round(gb, year, quarter)
        mark_reported(year, quarter)
    layout_floor(gb)
    sichuan = OrgUnit.objects.get(code="510000")
    county = (CheckSheet.objects.filter(year=year, quarter=quarter, org_path__startswith=sichuan.path, org_unit__level=3)
              .values("org_unit").order_by().annotate(n=django.db.models.Count("id")).order_by("-n").first())
    county = OrgUnit.objects.get(pk=county["org_unit"])
    base = f"/self-checks/{year}/{quarter}/"
    for unit in (gb.org_unit, sichuan, county):
        sheets = CheckSheet.objects.filter(year=year, quarter=quarter, org_path__startswith=unit.path).count()
        bench_page(f"检查季度 {unit.name} ({unit.code})", User.objects.get(username=unit.code), base, sheets)
    for unit in (sichuan, gb.org_unit, county):
        sheets = CheckSheet.objects.filter(year=year, quarter=quarter, org_path__startswith=unit.path).count()
        bench_page(f"季度通报 {unit.name} ({unit.code})", User.objects.get(username=unit.code), base + "circular/", sheets)
    write_doc()


if __name__ == "__main__":
    warm_up()  # the process as govmedia/wsgi.py starts it in production (URLconf loaded, gc.freeze)
    main()
