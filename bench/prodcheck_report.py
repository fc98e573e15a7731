"""Writes the figures of the `make prod-check` load test into docs/benchmarks.md, between the
markers <!-- prod-check:start --> and <!-- prod-check:end -->.
`python -m bench.prodcheck_report OUT_DIR USERS_LOW USERS_HIGH SECONDS SCALE`"""
import csv
import json
import re
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.measure import replace_block

DOC = Path("docs/benchmarks.md")
START, END = "<!-- prod-check:start -->", "<!-- prod-check:end -->"
TARGET_MS, TARGET_USERS = 300, 50


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def table(rows: list[dict]) -> list[str]:
    lines = ["| page | requests | errors | p50 ms | p95 ms | p99 ms | req/s |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | "
                     f"{row['99%']} | {float(row['Requests/s']):.1f} |")
    return lines


LOG_LINE = re.compile(r"^(\S+) \w+ govmedia\.request \[req=\S+\] (GET|POST|HEAD) (\S+) (\d{3}) ([\d.]+)ms")


def _route(method: str, path: str) -> str:
    base, _, query = path.partition("?")
    tab = next((part for part in query.split("&") if part.startswith("tab=")), "")
    base = re.sub(r"/\d+/", "/<id>/", base)
    return f"{method} {base}?{tab}" if tab else f"{method} {base}"


def server_side(out_dir: Path, users: str, seconds: int) -> list[str]:
    """Time spent inside the app (the request log of both servers) during the measured window of a
    stage, against what the client saw: the difference is waiting for a free worker or CPU."""
    history = out_dir / f"u{users}_stats_history.csv"
    if not history.exists():
        return []
    end = max(int(row["Timestamp"]) for row in rows_of(history))
    start = end - seconds
    durations: dict[str, list[float]] = {}
    for log in sorted(out_dir.glob("server-*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            match = LOG_LINE.match(line)
            if not match:
                continue
            when = datetime.fromisoformat(match.group(1)).timestamp()
            if start <= when <= end:
                durations.setdefault(_route(match.group(2), match.group(3)), []).append(float(match.group(5)))
    if not durations:
        return []
    lines = ["Inside the app servers in the same window (their request log): where the client's time above is much "
             "longer, requests waited for a worker or for the CPU.", "",
             "| route | requests | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: |"]
    for route, values in sorted(durations.items(), key=lambda item: -len(item[1])):
        values.sort()
        pick = {p: values[min(len(values) - 1, int(len(values) * p / 100))] for p in (50, 95, 99)}
        lines.append(f"| {route} | {len(values)} | {pick[50]:.0f} | {pick[95]:.0f} | {pick[99]:.0f} |")
    return lines + [""]


def main(out: str, low: str, high: str, seconds: str, scale: str):
    out_dir = Path(out)
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    load = os.getloadavg()
    lines = [START, "", f"### `make prod-check` — {now} (Asia/Shanghai)", "",
             f"Two gunicorn app servers ({os.environ.get('GUNICORN_WORKERS', '2')} workers × 4 threads each, "
             f"DEBUG off, govmedia.settings), the job worker, Redis, "
             + (f"PgBouncer (transaction pooling, pool {os.environ.get('PGB_POOL')}) in front of " if os.environ.get("PGB_ACTIVE") else "")
             + f"PostgreSQL, on this 2-core machine; national data "
             f"`generate_scale_data --scale {scale}`; locust headless, each request sent to server A or B at random; "
             f"users spawned at {os.environ.get('PRODCHECK_SPAWN_RATE', '1')}/s, each signing in, then {seconds} s measured "
             f"(statistics reset after spawning); think time 3–8 s between pages. Load average when this section was written: {load[0]:.1f} / {load[1]:.1f} / "
             f"{load[2]:.1f} (the machine is shared: other work ran at the same time).", ""]
    verdicts = []
    for users in (low, high):
        stats = out_dir / f"u{users}_stats.csv"
        if not stats.exists():
            lines += [f"**{users} users: no figures** (locust wrote no statistics; see {out_dir}/locust-u{users}.log).", ""]
            verdicts.append(f"{users} users: not measured")
            continue
        rows = rows_of(stats)
        lines += [f"#### {users} simulated users", ""] + table(rows) + [""]
        logins_file = out_dir / f"u{users}_logins.json"
        logins = sorted(json.loads(logins_file.read_text())) if logins_file.exists() else []
        if logins:
            failed_logins = sum(1 for x in logins if x < 0)
            ok = [x for x in logins if x >= 0] or [0]
            pct = {p: ok[min(len(ok) - 1, int(len(ok) * p / 100))] for p in (50, 95, 99)}
            lines += [f"Sign-ins while the {users} users were spawned (before the statistics above): {len(logins)}, "
                      f"{failed_logins} failed, p50 {pct[50]:.0f} ms, p95 {pct[95]:.0f} ms, p99 {pct[99]:.0f} ms.", ""]
        approvals = out_dir / f"u{users}_approvals.txt"
        applied = int(approvals.read_text().strip() or 0) if approvals.exists() else None
        if applied is not None:
            lines += [f"Approvals applied in the database during this stage (journal rows of the load test's reviewer): "
                      f"{applied}.", ""]
        lines += server_side(out_dir, users, int(seconds))
        failures = out_dir / f"u{users}_failures.csv"
        failed = rows_of(failures) if failures.exists() else []
        if failed:
            lines += ["Errors: " + "; ".join(f"{f['Name']}: {f['Error']} ×{f['Occurrences']}" for f in failed[:8]), ""]
        if users == low:
            lists = [r for r in rows if r["Name"].startswith("list ")]
            worst = max((int(float(r["95%"])) for r in lists), default=0)
            errors = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
            met = worst <= TARGET_MS and errors == 0 and bool(applied)
            verdicts.append(f"target at {TARGET_USERS} users (list pages p95 ≤ {TARGET_MS} ms, 0 errors, approvals "
                            f"applied): {'**met**' if met else '**missed**'} — worst list p95 {worst} ms, {errors} errors, "
                            f"{applied} approvals")
        else:
            errors = sum(int(r["Failure Count"]) for r in rows if r["Name"] != "Aggregated")
            verdicts.append(f"{users} users: {errors} errors")
    samples = out_dir / "pg_connections.txt"
    counts = [int(x) for x in samples.read_text().split() if x.isdigit()] if samples.exists() else []
    if counts:
        pool = os.environ.get("PGB_POOL", "")
        lines += [f"PostgreSQL connections to the database, sampled each second through both stages: at most "
                  f"{max(counts)} (PgBouncer pool size {pool or 'n/a'}; the sampler's own excluded).", ""]
    lines += ["Verdict: " + "; ".join(verdicts), "", END]
    section = "\n".join(lines)
    replace_block(DOC, START, END, section, heading="## Multi-node run (`make prod-check`)")
    print(section)


if __name__ == "__main__":
    main(*sys.argv[1:6])
