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


def bare_export():
    from openpyxl import Workbook

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    fields = ["filer_unit__code", "filer_unit__name", "media_code", "account_type", "status", "represents_government",
              "func_publish", "url", "name", "operator", "org_path", "created_at", "updated_at", "platform_id",
              "contact_name", "contact_title", "contact_mobile", "contact_landline"]
    ws.append(fields)
    qs = MediaAccount.objects.filter(removed_at__isnull=True).exclude(status="draft").order_by("-updated_at", "-id")
    for row in qs.values_list(*fields).iterator(chunk_size=2000):
        ws.append([v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v is not None else v for v in row])
    with tempfile.TemporaryFile() as handle:
        wb.save(handle)
        size = handle.tell()
    return time.perf_counter() - started, size


if __name__ == "__main__":
    seconds, size = app_export() if sys.argv[1] == "app" else bare_export()
    rows = MediaAccount.objects.filter(removed_at__isnull=True).exclude(status="draft").count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "rows": rows, "bytes": size, "peak_rss_mb": round(peak, 1)}))
