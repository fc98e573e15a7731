"""One export in a fresh process, so that its peak RSS is its own.
`python -m bench.export_job job|bare|xlsxwriter` prints {"seconds": …, "rows": …, "bytes": …, "peak_rss_mb": …}.

- job: 导出全部 of 【新媒体账号信息】 as GB, end to end: the request that starts the job, the
  queue's worker loop (django-tasks-db's Worker, in this process) running it, the file stored in
  default_storage; the time from the request to the job marked 已完成.
- bare: the same writer (rustpy-xlsxwriter) over the same rows (the job's queryset, the columns'
  fields as values_list tuples, no formatting), into a temp file: the floor.
- xlsxwriter: a bare XlsxWriter constant-memory loop over the same rows (the writer it replaced).
"""
import json
import os
import resource
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings_bench")
import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts_media.lists import MEDIA_LIST  # noqa: E402
from govmedia.common import lists  # noqa: E402
from jobs.exports import JobRequest  # noqa: E402


def _queryset():
    request = JobRequest(User.objects.get(username="GB0000"), "")
    listed, scope = MEDIA_LIST.querysets(request)
    return lists.export_queryset(request, MEDIA_LIST, listed, scope)


def _fields():
    names: list[str] = []
    for column in lists.export_columns(MEDIA_LIST):
        names += [f for f in column.fields if f not in names]
    return names


def _bare_rows():
    from govmedia.common.lists import _whole_result_plan

    qs = _queryset()
    with _whole_result_plan(qs.db):  # the same plan as the job's read
        for row in qs.values_list(*_fields()).iterator(chunk_size=5000):
            yield [v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v is not None else v for v in row]


def job_export():
    from django.core.files.storage import default_storage

    from jobs.models import Job
    from tests.jobs_helpers import run_queued_jobs

    client = Client()
    client.force_login(User.objects.get(username="GB0000"))
    started = time.perf_counter()
    response = client.get("/media/", {"export": "all"})
    assert response.status_code == 302, response.status_code
    run_queued_jobs()
    seconds = time.perf_counter() - started
    job = Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    assert job.status == "done", (job.status, job.error)
    size = job.result_size
    default_storage.delete(job.result_name)
    job.delete()
    return seconds, size, job.rows_written


def bare_rustpy():
    from rustpy_xlsxwriter import write_worksheet

    names = _fields()
    count = 0
    started = time.perf_counter()

    def records():
        nonlocal count
        for row in _bare_rows():
            count += 1
            yield dict(zip(names, row))

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        write_worksheet(records(), handle.name, sheet_name="bare")
        size = os.path.getsize(handle.name)
    return time.perf_counter() - started, size, count


def bare_xlsxwriter():
    import xlsxwriter

    count = 0
    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        wb = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_urls": False,
                                          "strings_to_formulas": False, "strings_to_numbers": False})
        ws = wb.add_worksheet()
        ws.write_row(0, 0, _fields())
        for count, row in enumerate(_bare_rows(), start=1):
            ws.write_row(count, 0, row)
        wb.close()
        size = handle.tell()
    return time.perf_counter() - started, size, count


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    cpu = _cpu()
    seconds, size, rows = {"job": job_export, "bare": bare_rustpy, "xlsxwriter": bare_xlsxwriter}[sys.argv[1]]()
    cpu = _cpu() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "rows": rows, "bytes": size,
                      "peak_rss_mb": round(peak, 1), "load": round(os.getloadavg()[0], 1)}))
