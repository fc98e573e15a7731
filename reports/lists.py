"""The reports' list pages on the shared list machinery: 上报抽查情况 (an L1 unit's reports), its GB
overview (every L1 unit for one quarter, exported as a job through the one writer) and 待核查账号
(the notices a unit wrote or received)."""
import django_filters
from django.http import QueryDict
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register, same_scope
from orgtree.models import OrgUnit

from .models import Notice, NoticeAttachment, NoticeReceipt, SpotCheckReport, pass_rate
from .selectors import notices_visible_to, reports_visible_to
from .services import l1_units, receipts_of

RS = SpotCheckReport.Status


def day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "—"


def rate_cell(value) -> float | None:
    return float(value) if value is not None else None


# --- 上报抽查情况 (an L1 unit's own reports) -----------------------------------------------------

class ReportFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(label="类别", choices=SpotCheckReport.Kind.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年份")
    quarter = django_filters.ChoiceFilter(label="季度", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], empty_label="全部")
    status = django_filters.ChoiceFilter(label="填报状态", choices=RS.choices, empty_label="全部")

    class Meta:
        model = SpotCheckReport
        fields: list[str] = []


def document_link(r):
    if not r.document:
        return "—"
    return format_html('<a href="{}" title="{}"><i class="bi bi-file-earmark-text" aria-hidden="true"></i> 下载</a>',
                       reverse("reports:document_download", args=[r.pk]), r.document_name)


REPORT_LIST = register(ListSpec(
    name="spot_checks",
    filterset_class=ReportFilter,
    default_ordering=("-year", "-quarter", "kind", "-id"),
    export_filename="上报抽查情况.xlsx",
    export_sheet="上报抽查情况",
    querysets=same_scope(lambda request: reports_visible_to(request.user)),
    actions=lambda r, request: format_html('<a href="{}">查看</a>', reverse("reports:detail", args=[r.pk])),
    columns=[
        Column("org_unit", "填报单位", lambda r: r.org_unit.name),
        Column("kind", "类别", lambda r: r.get_kind_display(), sort="kind"),
        Column("year", "年份", lambda r: r.year, sort="year"),
        Column("quarter", "季度", lambda r: r.quarter, sort="quarter"),
        Column("checked_count", "抽查数量", lambda r: r.checked_count, sort="checked_count"),
        Column("failed_count", "不合格数量", lambda r: r.failed_count, sort="failed_count"),
        Column("pass_rate", "合格率(%)", lambda r: rate_cell(r.pass_rate),
               html=lambda r: format_html('<span data-testid="rate">{}</span>', r.pass_rate if r.pass_rate is not None else "—")),
        Column("created_at", "创建日期", lambda r: r.created_at, sort="created_at", html=lambda r: day(r.created_at)),
        Column("submitted_at", "提交日期", lambda r: r.submitted_at, sort="submitted_at", html=lambda r: day(r.submitted_at)),
        Column("status", "填报状态", lambda r: r.get_status_display(), sort="status"),
        Column("document", "季度报告", lambda r: r.document_name, html=document_link),
    ],
))


# --- the GB overview: every L1 unit for one quarter ---------------------------------------------

def period(data) -> tuple[int, int, str]:
    """(year, quarter, kind) asked for, else this quarter's media reports."""
    today = timezone.localdate()
    try:
        year = int(data.get("year") or today.year)
        quarter = int(data.get("quarter") or (today.month - 1) // 3 + 1)
    except ValueError:
        year, quarter = today.year, (today.month - 1) // 3 + 1
    quarter = quarter if quarter in (1, 2, 3, 4) else 1
    kind = data.get("kind") if data.get("kind") in SpotCheckReport.Kind.values else SpotCheckReport.Kind.MEDIA
    return year, quarter, kind


class OverviewFilter(ListFilterSet):
    """类别, 年份 and 季度 choose the reports the rows show (read by `overview_rows`); 填报状态
    narrows the units."""

    kind = django_filters.ChoiceFilter(label="类别", choices=SpotCheckReport.Kind.choices, method="chosen", empty_label=None)
    year = django_filters.ChoiceFilter(label="年份", method="chosen", empty_label=None,
                                       choices=lambda: [(y, y) for y in range(timezone.localdate().year, 2018, -1)])
    quarter = django_filters.ChoiceFilter(label="季度", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], method="chosen",
                                          empty_label=None)
    state = django_filters.ChoiceFilter(label="填报状态", method="filter_state", empty_label="全部",
                                        choices=[("submitted", "已提交"), ("draft", "未提交"), ("none", "未填报")])

    class Meta:
        model = OrgUnit
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        """Always bound to a period: the selects show the quarter the rows are of."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name, value in zip(("year", "quarter", "kind"), period(data)):
            data[name] = str(value)
        super().__init__(data, *args, **kwargs)

    def chosen(self, queryset, name, value):
        return queryset

    def filter_state(self, queryset, name, value):
        if value == "none":
            return queryset.filter(report_status__isnull=True)
        return queryset.filter(report_status=value)


def overview_rows(request):
    """The L1 units (provinces, then ministries) with their report of the chosen quarter and the
    pass rates of the year's four quarters (submitted reports only), as subqueries: one query."""
    year, quarter, kind = period(request.GET)
    reports = SpotCheckReport.objects.filter(org_unit=OuterRef("pk"), kind=kind, year=year)
    current = reports.filter(quarter=quarter)
    submitted = current.filter(status=RS.SUBMITTED)
    annotations = {
        "report_id": Subquery(current.values("pk")[:1]), "report_status": Subquery(current.values("status")[:1]),
        "checked": Subquery(submitted.values("checked_count")[:1]), "failed": Subquery(submitted.values("failed_count")[:1]),
        "submitted_on": Subquery(submitted.values("submitted_at")[:1]),
        "document_name": Subquery(submitted.values("document_name")[:1]),
    }
    for q in (1, 2, 3, 4):
        done = reports.filter(quarter=q, status=RS.SUBMITTED)
        annotations[f"checked{q}"] = Subquery(done.values("checked_count")[:1])
        annotations[f"failed{q}"] = Subquery(done.values("failed_count")[:1])
    return l1_units().annotate(**annotations)


def unit_rate(row, q: int | None = None):
    checked, failed = (row.checked, row.failed) if q is None else (getattr(row, f"checked{q}"), getattr(row, f"failed{q}"))
    return pass_rate(checked, failed or 0) if checked is not None else None


def state_of(row) -> str:
    return "已提交" if row.report_status == RS.SUBMITTED else "未提交" if row.report_status else "未填报"


def state_html(row):
    return state_of(row) if row.report_status == RS.SUBMITTED else format_html('<span class="text-danger">{}</span>',
                                                                              state_of(row))


def overview_actions(row, request):
    if row.report_status != RS.SUBMITTED:
        return ""
    links = [format_html('<a href="{}">查看</a>', reverse("reports:detail", args=[row.report_id]))]
    if row.document_name:
        links.append(format_html('<a href="{}">季度报告</a>', reverse("reports:document_download", args=[row.report_id])))
    return format_html_join(" · ", "{}", ((link,) for link in links))


def dash(value):
    return "—" if value is None else value


OVERVIEW_LIST = register(ListSpec(
    name="spot_check_overview",
    filterset_class=OverviewFilter,
    default_ordering=("-kind", "code"),
    export_filename="抽查上报汇总.xlsx",
    export_sheet="抽查上报汇总",
    querysets=same_scope(overview_rows),
    actions=overview_actions,
    row_attrs=lambda row: format_html('data-unit="{}"', row.code),
    export_context=lambda request: dict(zip(("year", "quarter", "kind"), period(request.GET))),
    columns=[
        Column("unit", "填报单位", lambda r: r.name, choosable=False,
               html=lambda r: format_html('{}<span class="small text-muted">（{}）</span>', r.name, r.code)),
        Column("code", "代码", lambda r: r.code, sort="code", default=False),
        Column("checked", "抽查数量", lambda r: r.checked, html=lambda r: dash(r.checked)),
        Column("failed", "不合格数量", lambda r: r.failed, html=lambda r: dash(r.failed)),
        Column("rate", "合格率(%)", lambda r: rate_cell(unit_rate(r)), html=lambda r: dash(unit_rate(r))),
        Column("state", "填报状态", state_of, html=state_html),
        Column("submitted_on", "提交日期", lambda r: r.submitted_on, html=lambda r: day(r.submitted_on)),
        *[Column(f"rate{q}", f"第{q}季度合格率", lambda r, q=q: rate_cell(unit_rate(r, q)),
                 html=lambda r, q=q: dash(unit_rate(r, q))) for q in (1, 2, 3, 4)],
    ],
))


# --- 待核查账号: the notices a unit wrote or received --------------------------------------------

class NoticeFilter(ListFilterSet):
    title = django_filters.CharFilter(label="标题", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label="状态", choices=Notice.Status.choices, empty_label="全部")

    class Meta:
        model = Notice
        fields: list[str] = []


def own_unit_of(user):
    return user.org_unit_id if user.kind == "org" else None


def notice_rows(request):
    opened = receipts_of(request.user).filter(notice_id=OuterRef("pk")).values("opened_at")[:1]
    return notices_visible_to(request.user).annotate(my_opened=Subquery(opened)).prefetch_related(
        Prefetch("attachments", queryset=NoticeAttachment.objects.order_by("id")))


def prepare_notices(rows, request):
    """接收单位 / 已查看 / 已下载 of the unit's own notices on the page (one grouped query; a
    received notice's receipts are not the reader's business and may be thousands)."""
    own_unit = own_unit_of(request.user)
    own = [n.pk for n in rows if n.sender_id == own_unit]
    counts = {row["notice_id"]: row for row in NoticeReceipt.objects.filter(notice_id__in=own).values("notice_id").annotate(
        sent_to=Count("id"), opened=Count("id", filter=Q(opened_at__isnull=False)),
        downloaded=Count("id", filter=Q(downloaded_at__isnull=False)))}
    for notice in rows:
        notice.mine = notice.sender_id == own_unit
        row = counts.get(notice.pk, {})
        notice.sent_to, notice.opened, notice.downloaded = row.get("sent_to", 0), row.get("opened", 0), row.get("downloaded", 0)


def notice_state(n) -> str:
    if n.mine:
        return f"{n.get_status_display()}（本单位下发）"
    return "已读" if n.my_opened else "未读"


def notice_state_html(n):
    if n.mine:
        return notice_state(n)
    if n.my_opened:
        return mark_safe('<span data-testid="read-state">已读</span>')
    return mark_safe('<span data-testid="read-state"><span class="badge text-bg-danger">未读</span></span>')


def attachments_html(n):
    links = [(reverse("notices:download", args=[a.pk]), a.name) for a in n.attachments.all()]
    return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', links) if links else "—"


def own_count(name):
    return lambda n: getattr(n, name) if n.mine else "—"


NOTICE_LIST = register(ListSpec(
    name="notices",
    filterset_class=NoticeFilter,
    default_ordering=("-sent_at", "-id"),
    export_filename="通知.xlsx",
    export_sheet="通知",
    querysets=same_scope(notice_rows),
    prepare_page=prepare_notices,
    actions=lambda n, request: format_html('<a href="{}">查看</a>', reverse("notices:detail", args=[n.pk])),
    row_attrs=lambda n: format_html('data-notice="{}"', n.title),
    columns=[
        Column("title", "标题", lambda n: n.title, sort="title", choosable=False),
        Column("sender", "发文单位", lambda n: n.sender.name),
        Column("menu_label", "菜单名称", lambda n: n.menu_label),
        Column("sent_at", "下发时间", lambda n: n.sent_at, sort="sent_at", nulls_last=True,
               html=lambda n: timezone.localtime(n.sent_at).strftime("%Y-%m-%d %H:%M") if n.sent_at else "—"),
        Column("state", "状态", notice_state, html=notice_state_html),
        Column("sent_to", "接收单位", own_count("sent_to")),
        Column("opened", "已查看", own_count("opened")),
        Column("downloaded", "已下载", own_count("downloaded")),
        Column("attachments", "附件", lambda n: "；".join(a.name for a in n.attachments.all()), html=attachments_html),
    ],
))

__all__ = ["NOTICE_LIST", "OVERVIEW_LIST", "REPORT_LIST"]
