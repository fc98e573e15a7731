"""下载中心 on the shared list machinery: the user's exports of the last JOBS_EXPORT_KEEP_DAYS days
(and any still running), with their live progress, filtered, sorted and paged."""
import django_filters
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register, same_scope

from .models import Job
from .selectors import download_center
from .services import may_download


def job_state(job, user) -> dict:
    return {"id": job.pk, "status": job.status, "status_label": job.status_label,
            "rows_verb": job.rows_verb, "rows_unit": job.rows_unit, "percent": job.percent,
            "rows_written": job.rows_written, "rows_total": job.rows_total, "finished": job.finished,
            "error": job.error if job.status == job.Status.FAILED else "",
            "retrying": (job.status == job.Status.QUEUED and job.attempts >= 1)
                        or (job.status == job.Status.RUNNING and job.attempts > 1),
            "download_url": reverse("jobs:download", args=[job.pk]) if may_download(user, job) else ""}


class JobFilter(ListFilterSet):
    title = django_filters.CharFilter(label="名称", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label="状态", choices=Job.Status.choices, empty_label="全部")

    class Meta:
        model = Job
        fields: list[str] = []


def prepare_page(rows, request):
    for job in rows:
        job.state = job_state(job, request.user)


def progress_html(job):
    html = render_to_string("jobs/_progress.html", {"job": job, "state": job.state})
    if job.status == Job.Status.DONE and not job.state["download_url"]:
        html += '<span class="text-muted small">文件已过期或无权下载</span>'
    return mark_safe(html)  # the template escapes every value it renders


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


DOWNLOAD_LIST = register(ListSpec(
    name="downloads",
    filterset_class=JobFilter,
    default_ordering=("-created_at", "-id"),
    export_filename="下载中心.xlsx",
    export_sheet="下载中心",
    prepare_page=prepare_page,
    querysets=same_scope(lambda request: download_center(request.user)),
    row_attrs=lambda job: format_html('data-testid="job-row" data-job-id="{}"', job.pk),
    columns=[
        Column("title", "名称", lambda j: j.title, sort="title", choosable=False,
               html=lambda j: format_html('<a href="{}">{}</a>', reverse("jobs:detail", args=[j.pk]), j.title)),
        Column("created_at", "申请时间", lambda j: j.created_at, sort="created_at", html=lambda j: local(j.created_at)),
        Column("progress", "进度", lambda j: j.status_label, html=progress_html),
        Column("finished_at", "完成时间", lambda j: j.finished_at, sort="finished_at", html=lambda j: local(j.finished_at)),
        Column("expires_at", "保留至", lambda j: j.expires_at, html=lambda j: local(j.expires_at)),
    ],
))

__all__ = ["DOWNLOAD_LIST", "job_state"]
