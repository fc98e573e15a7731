"""下载中心 (the user's exports), one job's progress page, its status for polling, the download."""
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from govmedia.common.xlsx import XLSX_CONTENT_TYPE


from .exports import serve_list
from .lists import DOWNLOAD_LIST, job_state
from .selectors import jobs_of
from .services import may_download


@require_http_methods(["GET", "POST"])
def center(request):
    return serve_list(request, DOWNLOAD_LIST, "jobs/center.html", {"keep_days": settings.JOBS_EXPORT_KEEP_DAYS})


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
