"""下载中心 (the user's exports), one job's progress page, its status for polling, the download."""
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govmedia.common.xlsx import XLSX_CONTENT_TYPE

from .selectors import download_center, jobs_of
from .services import may_download


def job_state(job, user) -> dict:
    return {"id": job.pk, "status": job.status, "status_label": job.status_label,
            "rows_verb": job.rows_verb, "rows_unit": job.rows_unit, "percent": job.percent,
            "rows_written": job.rows_written, "rows_total": job.rows_total, "finished": job.finished,
            "error": job.error if job.status == job.Status.FAILED else "",
            "retrying": (job.status == job.Status.QUEUED and job.attempts >= 1)
                        or (job.status == job.Status.RUNNING and job.attempts > 1),
            "download_url": reverse("jobs:download", args=[job.pk]) if may_download(user, job) else ""}


@require_GET
def center(request):
    jobs = list(download_center(request.user).order_by("-created_at", "-id")[:200])
    return render(request, "jobs/center.html", {"jobs": [(job, job_state(job, request.user)) for job in jobs],
                                                "keep_days": settings.JOBS_EXPORT_KEEP_DAYS})


@require_GET
def detail(request, pk):
    job = get_object_or_404(jobs_of(request.user), pk=pk)
    if job.kind == job.Kind.IMPORT:
        return redirect("media:import_job", pk=job.pk)
    return render(request, "jobs/detail.html", {"job": job, "state": job_state(job, request.user),
                                                "keep_days": settings.JOBS_EXPORT_KEEP_DAYS})


@never_cache
@require_GET
def status(request, pk):
    job = get_object_or_404(jobs_of(request.user), pk=pk)
    return JsonResponse(job_state(job, request.user))


@require_GET
def download(request, pk):
    job = get_object_or_404(jobs_of(request.user), pk=pk)
    if not may_download(request.user, job) or not default_storage.exists(job.result_name):
        raise Http404("文件不存在或已过期。")  # (an import's error details also go with the staging cleanup)
    response = FileResponse(default_storage.open(job.result_name, "rb"), as_attachment=True,
                            filename=job.result_filename or "export.xlsx", content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
