"""One export in a fresh process, so that its peak RSS is its own.
`python -m bench.export_job app|bare` prints {"seconds": …, "rows": …, "bytes": …, "peak_rss_mb": …}."""
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
from accounts_media.models import MediaAccount  # noqa: E402


def app_export():
    client = Client()
    client.force_login(User.objects.get(username="GB0000"))
    started = time.perf_counter()
    response = client.get("/media/", {"export": "all"})
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    return time.perf_counter() - started, size


FIELDS = ["filer_unit__code", "filer_unit__name", "media_code", "account_type", "status", "represents_government",
              "func_publish", "url", "name", "operator", "org_path", "created_at", "updated_at", "platform_id",
              "contact_name", "contact_title", "contact_mobile", "contact_landline"]


def _rows():
    qs = MediaAccount.objects.filter(removed_at__isnull=True).exclude(status="draft").order_by("-updated_at", "-id")
    for row in qs.values_list(*FIELDS).iterator(chunk_size=2000):
        yield [v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v is not None else v for v in row]


def bare_export():
    """The floor of the issue: a bare openpyxl write-only loop over the same rows."""
    from openpyxl import Workbook

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(FIELDS)
    for row in _rows():
        ws.append(row)
    with tempfile.TemporaryFile() as handle:
        wb.save(handle)
        size = handle.tell()
    return time.perf_counter() - started, size


def bare_xlsxwriter():
    """For reference: a bare XlsxWriter constant-memory loop (the writer the export uses)."""
    import xlsxwriter

    started = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        wb = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_urls": False,
                                          "strings_to_formulas": False, "strings_to_numbers": False})
        ws = wb.add_worksheet()
        ws.write_row(0, 0, FIELDS)
        for index, row in enumerate(_rows(), start=1):
            ws.write_row(index, 0, row)
        wb.close()
        size = handle.tell()
    return time.perf_counter() - started, size


if __name__ == "__main__":
    seconds, size = {"app": app_export, "bare": bare_export, "xlsxwriter": bare_xlsxwriter}[sys.argv[1]]()
    rows = MediaAccount.objects.filter(removed_at__isnull=True).exclude(status="draft").count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "rows": rows, "bytes": size, "peak_rss_mb": round(peak, 1)}))
