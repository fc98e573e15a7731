"""批量导入 as jobs (jobs.Job kind 导入): the check of an uploaded file (parse + validate, progress
every imports.PROGRESS_EVERY rows) and the write of a checked one (checked again, then every row
in one transaction with the job's own 完成 mark: all or nothing, even when the worker dies).

The file waits in the shared storage under staging/ (the staging cleanup removes it after a day);
the outcome the import pages show is kept in the job's params, the full error list as the job's
result file (批量导入错误详情.xlsx, served by the jobs download view to the requester only)."""
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from govmedia.common.storage import save_file, staging_name
from jobs import services
from jobs.models import Job
from reviews.engine import TransitionError

from . import imports
from .platforms import display_type

KEEP = timedelta(days=1)
SHOWN_ERRORS, SHOWN_ROWS = 200, 50
ERRORS_FILENAME = "批量导入错误详情.xlsx"
EXPIRED = "导入文件已失效，请重新上传。"


def start_check(user, content: bytes) -> Job:
    """Stage the uploaded bytes and queue their check."""
    name = save_file(default_storage, staging_name("media-import", "xlsx"), ContentFile(content))
    return services.start_job(user, Job.Kind.IMPORT, "新媒体账号批量导入（校验）", {"phase": "check", "staged": name})


def start_write(user, check: Job, submit: bool) -> Job:
    title = f"新媒体账号批量导入（{'提交' if submit else '暂存'}）"
    return services.start_job(user, Job.Kind.IMPORT, title, {"phase": "write", "staged": check.params["staged"],
                                                             "submit": submit, "check": check.pk})


def confirmable(job: Job) -> bool:
    """A finished, clean check whose file is still staged: 提交 / 暂存 may start."""
    return (job.kind == Job.Kind.IMPORT and job.params.get("phase") == "check" and job.status == Job.Status.DONE
            and job.params.get("outcome") == "ok" and default_storage.exists(job.params.get("staged", "")))


def discard(job: Job) -> None:
    name = job.params.get("staged")
    if name:
        default_storage.delete(name)  # a file already gone is no error


def run_import(job: Job, lease) -> None:
    """The runner the worker calls (jobs.services.execute) for a job of kind 导入."""
    name = job.params["staged"]
    if not default_storage.exists(name):
        _finish(job, lease, {"outcome": "refused", "message": EXPIRED})
        return
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    lease.progress(0, None)
    result = imports.parse_and_validate(content, progress=lease.progress)
    if not result.ok:
        _refuse(job, lease, result)
        discard(job)
        return
    if job.params["phase"] == "check":
        preview = [{**row, "type_label": display_type(row["account_type"], row["wechat_kind"] or None,
                                                      row["platform_name"])} for row in result.rows[:SHOWN_ROWS]]
        _finish(job, lease, {"outcome": "ok", "count": len(result.rows), "preview": preview})
        return
    submit = bool(job.params.get("submit"))
    try:
        with transaction.atomic():  # the rows and the job's 已完成 commit together, or neither
            count = imports.import_rows(job.requested_by, result.rows, submit=submit)
            if not lease.finish(rows_written=count, rows_total=count, params={**job.params, "outcome": "ok", "count": count}):
                raise services.LeaseLost(job.pk)
    except TransitionError as exc:
        _finish(job, lease, {"outcome": "refused", "message": exc.message})
    discard(job)


def _refuse(job: Job, lease, result: imports.ImportResult) -> None:
    outcome = {"outcome": "errors" if result.errors else "refused", "message": result.message,
               "errors": [list(e) for e in result.errors[:SHOWN_ERRORS]], "error_count": len(result.errors)}
    fields = {}
    if result.errors:
        fields["result_name"] = save_file(default_storage, staging_name("media-import-errors", "xlsx"),
                                          ContentFile(imports.errors_workbook(result.errors)))
        fields["result_filename"] = ERRORS_FILENAME
    if not lease.finish(params={**job.params, **outcome}, keep=KEEP, **fields):
        if fields:
            default_storage.delete(fields["result_name"])
        raise services.LeaseLost(job.pk)


def _finish(job: Job, lease, outcome: dict) -> None:
    if not lease.finish(params={**job.params, **outcome}, keep=KEEP):
        raise services.LeaseLost(job.pk)
