"""Search by any part of a name at national scale (issue 30, decision 0050): 新媒体账号信息 and
填报单位用户管理 for GB with a 2-character part (the gram index), a 4-character part (pg_trgm) and
part of a 标识码, each against its own SQL floor (the same queries run bare). Called by bench/run.py
(`BENCH_ONLY=search`)."""
import os
import statistics
import time
from urllib.parse import urlencode


def _rarest_pair(model, text: str) -> str:
    """The 2-character part of `text` that matches the fewest rows of `model`: what a person types
    to find that row (the generated names share 发布 and a 6-digit code, so their middle pair
    "M0" matched 248,802 of 250,000 accounts: no one searches that way)."""
    pairs = {text[i:i + 2] for i in range(len(text) - 1)}
    return min(sorted(pairs), key=lambda pair: model.objects.filter(name__contains=pair).count())


def _parts():
    from accounts_media.models import MediaAccount
    from orgtree.models import FilerUnit

    sample = (MediaAccount.objects.filter(removed_at__isnull=True, media_code__isnull=False)
              .exclude(name="").order_by("id").values("name", "media_code")[1000:1001])
    row = sample[0] if sample else {"name": "上庄发布", "media_code": "110108M001WX0001"}
    name, code = row["name"], row["media_code"] or "M001"
    unit = FilerUnit.objects.order_by("id").values_list("name", flat=True)[1000:1001]
    unit_name = (unit[0] if unit else "上庄镇人民政府").rstrip("0123456789")
    return {"2 characters": _rarest_pair(MediaAccount, name), "4 characters": name[:4], "code part": code[-8:],
            "unit 2 characters": _rarest_pair(FilerUnit, unit_name)}


def _median_cpu_ms(fn, runs: int) -> float:
    """This process's CPU per page (Python's share; the database's runs in its own process): on a
    shared machine the wall time also holds the waits for a core."""
    samples = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def bench_search(record, client_for, page, runs):
    from accounts.models import User
    from bench.measure import paired_medians, queries_of, run_bare

    client = client_for(User.objects.get(username="GB0000"))
    parts = _parts()
    cases = [(f"新媒体账号信息 名称 {k}", "/media/", {"name": v}) for k, v in parts.items() if k in ("2 characters", "4 characters")]
    cases += [("新媒体账号信息 标识码 part", "/media/", {"media_code": parts["code part"]}),
              ("填报单位用户管理 单位全称 2 characters", "/filer-units/", {"name": parts["unit 2 characters"]})]
    for what, path, params in cases:
        url = f"{path}?{urlencode({'per_page': 100, **params})}"
        fetch = page(client, url)
        fetch()  # warm, as on every later visit
        sqls = queries_of(fetch)
        ms, floor = paired_medians([fetch, lambda sqls=sqls: run_bare(sqls)], runs)  # sampled in turn
        cpu = _median_cpu_ms(fetch, runs)
        ratio = ms / floor if floor else 0
        record(f"search GB: {what} ({list(params.values())[0]})", f"{ms:.1f} ms, {len(sqls)} queries", "≤3×floor",
               ratio <= 3, f"SQL floor {floor:.1f} ms → {ratio:.2f}×; page CPU {cpu:.1f} ms, load {os.getloadavg()[0]:.1f}")
