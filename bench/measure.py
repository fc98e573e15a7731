"""Small timing helpers: medians of repeated runs, query capture, peak memory of a child process."""
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def median_ms(fn, runs: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def paired_medians(fns, runs: int = 15, warmup: int = 2) -> list[float]:
    """The median ms of each of `fns`, sampled in turn (a, b, c, a, b, c …) rather than one after
    the other: on a shared machine whose speed drifts from one minute to the next, a page and the
    floors it is compared with then see the same machine."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, kept in zip(fns, samples):
            started = time.perf_counter()
            fn()
            kept.append((time.perf_counter() - started) * 1000)
    return [statistics.median(kept) for kept in samples]


def queries_of(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def run_bare(sqls: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in sqls:
            if sql.strip().upper().startswith(("SELECT", "WITH")):
                cursor.execute(sql)
                cursor.fetchall()


def machine_text() -> str:
    """The machine and database a run measured on, for the first line of a results block."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} "
            f"({interpreter_build()}), PostgreSQL {pg}")


def interpreter_build() -> str:
    """Where this interpreter comes from and how its core is linked: Debian's /usr/bin/python3.11 (what
    the app servers run, docs/deploy.md) is a static, profile-optimised build; a python3.11 built
    by pyenv without --enable-optimizations runs the same pages 10–30 % slower (decision 0074)."""
    try:
        with open("/proc/self/maps") as maps:
            shared = "libpython" in maps.read()
    except OSError:
        shared = None
    linked = {True: "libpython shared", False: "static core", None: "linkage unknown"}[shared]
    return f"{os.path.realpath(sys.executable)}, {linked}"


def results_block(begin: str, end: str, preamble: str, rows, first: str = "measure", kept=()) -> str:
    """A harness's markdown block: its preamble, then one table row per result (`kept`: lines of an
    earlier run's table carried over), between its markers (see replace_block)."""
    lines = [begin, "", preamble, "", f"| {first} | result | target | pass | detail |", "| --- | --- | --- | --- | --- |",
             *kept, *(f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows), "", end]
    return "\n".join(lines)


def replace_block(doc, begin: str, end: str, block: str, heading: str = "") -> None:
    """Write `block` (which starts with `begin` and ends with `end`) into the markdown file `doc`,
    in place of the block between those markers, or at its end the first time (under `heading`)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    elif heading:
        text = text.rstrip() + f"\n\n{heading}\n\n" + block + "\n"
    else:
        text = text + "\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
    print(f"written to {doc}")


def child(module: str, *args: str) -> dict:
    """Run `python -m module args` and return its JSON result plus the child's peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.setdefault("peak_rss_mb", round(max(peak, before) / 1024, 1))
    return result
