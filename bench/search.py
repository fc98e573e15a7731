"""Search by any part of a name at national scale (issue 30, decision 0050): 新媒体账号信息 and
填报单位用户管理 for GB with a 2-character part (the gram index), a 4-character part (pg_trgm) and
part of a 标识码, each against its own SQL floor (the same queries run bare). Called by bench/run.py
(`BENCH_ONLY=search`)."""
from urllib.parse import urlencode


def _parts():
    from accounts_media.models import MediaAccount

    sample = (MediaAccount.objects.filter(removed_at__isnull=True, media_code__isnull=False)
              .exclude(name="").order_by("id").values("name", "media_code")[1000:1001])
    row = sample[0] if sample else {"name": "上庄发布", "media_code": "110108M001WX0001"}
    name, code = row["name"], row["media_code"] or "M001"
    middle = max(0, len(name) // 2 - 1)
    return {"2 characters": name[middle:middle + 2], "4 characters": name[:4], "code part": code[-8:]}


def bench_search(record, client_for, page, runs):
    from accounts.models import User
    from bench.measure import median_ms, queries_of, run_bare

    client = client_for(User.objects.get(username="GB0000"))
    parts = _parts()
    cases = [(f"新媒体账号信息 名称 {k}", "/media/", {"name": v}) for k, v in parts.items() if k != "code part"]
    cases += [("新媒体账号信息 标识码 part", "/media/", {"media_code": parts["code part"]}),
              ("填报单位用户管理 单位全称 2 characters", "/filer-units/", {"name": parts["2 characters"]})]
    for what, path, params in cases:
        url = f"{path}?{urlencode({'per_page': 100, **params})}"
        fetch = page(client, url)
        ms = median_ms(fetch, runs)
        sqls = queries_of(fetch)
        floor = median_ms(lambda sqls=sqls: run_bare(sqls), runs)
        ratio = ms / floor if floor else 0
        record(f"search GB: {what} ({list(params.values())[0]})", f"{ms:.1f} ms, {len(sqls)} queries", "≤3×floor",
               ratio <= 3, f"SQL floor {floor:.1f} ms → {ratio:.2f}×")
