"""批量导入 pages: 下载模板, upload, the check job (progress, then errors or 提交 / 暂存), the write job."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.common.storage import StorageFailure
from govmedia.common.uploads import UploadError, read_xlsx_upload
from govmedia.common.xlsx import xlsx_download
from jobs.models import Job
from jobs.selectors import jobs_of
from jobs.services import may_see
from jobs.views import job_state

from . import import_jobs, imports

TEMPLATE_NAMES = {"region": "新媒体账号批量导入模板（地区）.xlsx", "ministry": "新媒体账号批量导入模板（部委）.xlsx"}


@require_GET
def import_template(request, kind):
    if kind not in TEMPLATE_NAMES:
        kind = "region"
    return xlsx_download(imports.build_template(kind), TEMPLATE_NAMES[kind])


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """The upload's size and format are checked here; the check of every row runs as a job."""
    context = {"max_rows": imports.MAX_ROWS}
    if request.method == "GET":
        return render(request, "accounts_media/import.html", context)
    try:
        content = read_xlsx_upload(request.FILES.get("file"))
    except UploadError as exc:
        return render(request, "accounts_media/import.html", {**context, "refusal": exc.message}, status=400)
    try:  # staged in the shared storage: the worker and 提交/暂存 may be on other servers; removed after a day
        job = import_jobs.start_check(request.user, content)
    except StorageFailure as exc:
        return render(request, "accounts_media/import.html", {**context, "refusal": exc.message}, status=503)
    return redirect("media:import_job", pk=job.pk)


@never_cache
@require_GET
def import_job(request, pk):
    """The job's progress while it runs; then what the check found (errors, or 校验通过 with 提交 /
    暂存), or, after the write, the list with the success message."""
    job = _my_import(request, pk)
    phase, outcome = job.params.get("phase"), job.params.get("outcome")
    if job.status != job.Status.DONE:
        return render(request, "accounts_media/import_job.html", {"job": job, "state": job_state(job, request.user)})
    if outcome == "ok" and phase == "check":
        return render(request, "accounts_media/import_confirm.html", {"job": job, "rows": job.params["preview"],
                                                                      "count": job.params["count"]})
    if outcome == "ok":
        submit = job.params.get("submit")
        messages.success(request, f"导入成功：{job.params['count']} 个账号已{'提交，等待审核' if submit else '暂存到【未提交】列表'}。")
        return redirect(f"{request.build_absolute_uri('/media/')}?tab={'submitted' if submit else 'drafts'}")
    errors = [tuple(e) for e in job.params.get("errors", [])]
    return render(request, "accounts_media/import.html", {
        "max_rows": imports.MAX_ROWS, "refusal": job.params.get("message", ""), "errors": errors,
        "error_count": job.params.get("error_count", 0),
        "errors_url": reverse("jobs:download", args=[job.pk]) if job.result_name else ""}, status=400)


@require_POST
def import_confirm(request):
    """提交 (all rows → 添加待审核) or 暂存 (all → 未提交) of a clean check: a job checks the file
    again and writes it in one transaction; 取消 removes the staged file."""
    pk = request.POST.get("job", "")
    check = _my_import(request, int(pk)) if pk.isdigit() else None
    if check is None or not import_jobs.confirmable(check):
        messages.error(request, import_jobs.EXPIRED)
        return redirect("media:import")
    if "cancel" in request.POST:
        import_jobs.discard(check)
        messages.info(request, "已取消导入，未保存任何数据。")
        return redirect("media:list")
    job = import_jobs.start_write(request.user, check, submit="submit" in request.POST)
    return redirect("media:import_job", pk=job.pk)


def _my_import(request, pk) -> Job:
    """Only the requester's own import job, in the scope it ran for (the export downloads' rule)."""
    job = get_object_or_404(jobs_of(request.user), pk=pk, kind=Job.Kind.IMPORT)
    if not may_see(request.user, job):
        raise Http404("导入任务不存在。")
    return job
