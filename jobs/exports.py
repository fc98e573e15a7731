"""Exports of the shared lists as jobs: 导出全部 and large 仅导出所选项 become a Job; the worker
rebuilds the list's rows from the requester and the query string (the same selectors, so the same
scope), writes the same .xlsx into default_storage and keeps it JOBS_EXPORT_KEEP_DAYS for the
下载中心. 导出当页数据 and small selections stay immediate."""
import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone

from govmedia.common import lists
from govmedia.common.xlsx import write_table, write_tables

from . import runners, services
from .models import Job
from django.utils.module_loading import autodiscover_modules

PROGRESS_EVERY = 5000


def export_requested(request, spec: lists.ListSpec):
    """The export a list request asks for, or None (then the view draws the list)."""
    if request.method != "POST" and request.GET.get("export") not in ("all", "page"):
        return None  # a page view: the list's querysets are built once, by the view
    listed, scope = spec.querysets(request)
    if request.method == "POST":
        ids = lists.selected_ids(request)
        if not ids:
            messages.warning(request, "请先勾选要导出的数据。")
            return redirect(request.get_full_path())
        if len(ids) <= settings.EXPORT_IMMEDIATE_MAX_ROWS:
            return lists.export_response(request, spec, listed, scope, selected_ids=ids)
        return _start(request, spec, ids)
    if request.GET.get("export") == "all":
        return _start(request, spec, None)
    if request.GET.get("export") == "page":
        return lists.export_response(request, spec, listed, selected_ids=lists.page_ids(request, spec, listed))
    return None


def serve_list(request, spec: lists.ListSpec, template: str, context: dict | None = None):
    """A list page: the export the request asks for (a file, or a job), else the page."""
    export = export_requested(request, spec)
    if export is not None:
        return export
    listed, _ = spec.querysets(request)
    return lists.render_list(request, spec, listed, template, context)


def _start(request, spec, ids):
    query = request.GET.copy()
    for key in ("export", "page"):
        query.pop(key, None)
    what = "所选" if ids is not None else "全部"
    job = services.start_job(request.user, Job.Kind.EXPORT, f"{spec.export_sheet}（导出{what}）", {
        "spec": spec.name, "query": query.urlencode(), "ids": ids, "filename": spec.export_filename})
    return redirect("jobs:detail", pk=job.pk)


def spec_named(name: str) -> lists.ListSpec:
    """A registered ListSpec by name; the worker imports every app's list declarations first."""
    if name not in lists.REGISTRY:
        autodiscover_modules("lists", "filer_lists")
    return lists.REGISTRY[name]


class JobRequest:
    """What the list machinery reads from a request, rebuilt in the worker: the requester (for
    the scope) and the query string (tab, filters, sort)."""

    method = "GET"

    def __init__(self, user, query: str):
        self.user = user
        self.GET = QueryDict(query)
        self.POST = QueryDict()
        self.META: dict = {}
        self.COOKIES: dict = {}

    def get_full_path(self):
        return "/?" + self.GET.urlencode()


# Exports that are not one list: name → build(job) giving the workbook's tables (dicts of
# title, headers, rows) from the job's params and its requester (whose scope they are read in).
# Apps register theirs when they load (reports: the 季度通报's full lists).
WORKBOOKS: dict = {}


def register_workbook(name: str, build) -> None:
    WORKBOOKS[name] = build


def start_workbook(request, name: str, title: str, filename: str, params: dict):
    """Start the export of a registered workbook as a job and show its progress (下载中心)."""
    job = services.start_job(request.user, Job.Kind.EXPORT, title, {"workbook": name, "filename": filename, **params})
    return redirect("jobs:detail", pk=job.pk)


def run_export(job: Job, lease) -> None:
    """Write the export of `job` (claimed by this worker, `lease` keeps it) into default_storage."""
    if job.params.get("workbook"):
        tables = WORKBOOKS[job.params["workbook"]](job)
        lease.progress(0, None)
        _write_and_store(job, lease, lambda path: write_tables(path, tables))
        return
    spec = spec_named(job.params["spec"])
    request = JobRequest(job.requested_by, job.params.get("query", ""))
    listed, scope = spec.querysets(request)
    qs = lists.export_queryset(request, spec, listed, scope, selected_ids=job.params.get("ids"))
    total = qs.count()
    lease.progress(0, total)
    _write_and_store(job, lease, lambda path: write_table(
        path, spec.export_sheet, lists.export_headers(spec, request.user), lists.export_rows(spec, request, qs),
        on_rows=lambda n: lease.progress(n, max(total, n)), every=PROGRESS_EVERY))


runners.register(Job.Kind.EXPORT, run_export)


def _write_and_store(job: Job, lease, write) -> None:
    """`write(path)` → rows written; the file then goes into default_storage for the 下载中心."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="govmedia-export-")
    os.close(handle)
    try:
        written = write(path)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        base, ext = os.path.splitext(job.params.get("filename") or "export.xlsx")
        with open(path, "rb") as source:
            name = default_storage.save(f"exports/{job.requested_by_id}/{job.pk}-{stamp}{ext}", File(source))
        size = os.path.getsize(path)
    finally:
        os.unlink(path)
    keep = timedelta(days=settings.JOBS_EXPORT_KEEP_DAYS)
    if not lease.finish(rows_written=written, rows_total=written, result_name=name, result_size=size,
                        result_filename=f"{base}-{stamp}{ext}", keep=keep):
        default_storage.delete(name)  # the lease was lost (taken for dead and retried): the other attempt wins


def delete_expired(now=None) -> str:
    """Scheduled: remove the files of exports (and imports' error details) past their expiry (the
    job rows stay, marked expired)."""
    now = now or timezone.now()
    expired = list(Job.objects.filter(expires_at__lte=now).exclude(result_name="").values_list("pk", "result_name"))
    for _pk, name in expired:
        default_storage.delete(name)  # a file already gone is no error
    Job.objects.filter(pk__in=[pk for pk, _name in expired]).update(result_name="")
    return f"删除过期导出文件 {len(expired)} 个"
