"""超期待审核: the requests waiting in the viewer's subtree, by how long they have waited at their
unit, on the shared list machinery (filters, columns, exports). One list per source (dashboard.ageing
SOURCES): media accounts, websites (申报/修改), websites' 下线申请 — each reads its own 审核定位 and
"since" columns."""
from datetime import timedelta

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts_media.models import PENDING, STATUS_LABELS, MediaAccount
from accounts_media.platforms import type_choices
from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register
from websites.models import PENDING_FILINGS, Filing, Website

from .ageing import BY_KEY, cutoff, is_overdue, waited_days

FILING_LABELS = dict(Filing.choices)
TYPE_NAMES = dict(type_choices())
OFFLINE_KINDS = {"temporary": "临时下线", "permanent": "永久下线"}


class WaitingFilter(ListFilterSet):
    """等待天数 from (inclusive) … to (exclusive), the unit where they wait (code)."""

    since_field = "reviewer_since"
    days_from = django_filters.NumberFilter(label="等待天数不少于", method="filter_from", min_value=0)
    days_to = django_filters.NumberFilter(label="等待天数少于", method="filter_to", min_value=0)
    reviewer = django_filters.CharFilter(label="审核定位（单位代码）", field_name="reviewer__code", lookup_expr="iexact")

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.since_field}__lte": timezone.now() - timedelta(days=int(value))})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.since_field}__gt": timezone.now() - timedelta(days=int(value))})


class MediaWaitingFilter(WaitingFilter):
    status = django_filters.ChoiceFilter(label="申请类型", empty_label="全部",
                                         choices=[(s, STATUS_LABELS[s]) for s in sorted(PENDING)])

    class Meta:
        model = MediaAccount
        fields: list[str] = []


class WebsiteWaitingFilter(WaitingFilter):
    filing = django_filters.ChoiceFilter(label="申报状态", empty_label="全部",
                                         choices=[(s, FILING_LABELS[s]) for s in [Filing.DRAFT, *sorted(PENDING_FILINGS)]])

    class Meta:
        model = Website
        fields: list[str] = []


class OfflineWaitingFilter(WaitingFilter):
    since_field = "offline_reviewer_since"
    reviewer = django_filters.CharFilter(label="审核定位（单位代码）", field_name="offline_reviewer__code",
                                         lookup_expr="iexact")
    offline_kind = django_filters.ChoiceFilter(label="下线类型", empty_label="全部", choices=list(OFFLINE_KINDS.items()))

    class Meta:
        model = Website
        fields: list[str] = []


TABS = (("overdue", "超期待审核"), ("mine", "本单位超期"), ("all", "全部待审核"))


def tab_of(request) -> str:
    key = request.GET.get("tab", "")
    return key if key in dict(TABS) else "overdue"


def tab_q(request, waiting: tuple[str, str]) -> Q:
    reviewer, since = waiting
    tab = tab_of(request)
    if tab == "all":
        return Q()
    q = Q(**{f"{since}__lt": cutoff()})
    return q & Q(**{f"{reviewer}_id": request.user.org_unit_id}) if tab == "mine" else q


def _querysets(key: str, related: str):
    source = BY_KEY[key]

    def querysets(request):
        scope = (source.queryset(request.user).filter(**{f"{source.reviewer}__isnull": False})
                 .select_related(source.reviewer, related))
        return scope.filter(tab_q(request, source.waiting)), scope
    return querysets


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _days_value(ctx, since):
    return (ctx["now"] - since).days if since else None


def _export_context(request) -> dict:
    return {"now": timezone.now()}


def _days_html(waiting):
    def html(row):
        days = waited_days(row, waiting=waiting)
        if is_overdue(row, waiting=waiting):
            return format_html('<span class="badge text-bg-danger" data-testid="overdue">超期 {} 天</span>', days)
        return "" if days is None else f"{days} 天"
    return html


def _row_class(waiting):
    return lambda row: "table-danger" if is_overdue(row, waiting=waiting) else ""


def reviewer_columns(waiting: tuple[str, str]) -> list[Column]:
    reviewer, since = waiting
    return [
        Column("reviewer", "审核定位", lambda r: f"{getattr(r, reviewer).name}（{getattr(r, reviewer).code}）",
               sort=f"{reviewer}__code", fields=(f"{reviewer}__name", f"{reviewer}__code"),
               fmt=lambda ctx, name, code: f"{name}（{code}）"),
        Column("reviewer_since", "到达审核单位时间", lambda r: _local(getattr(r, since)), sort=since,
               fields=(since,), fmt=lambda ctx, v: _local(v)),
        Column("waited", "等待天数", lambda r: waited_days(r, waiting=waiting), html=_days_html(waiting), sort=since,
               choosable=False, fields=(since,), fmt=_days_value),
    ]


REVIEW = BY_KEY["media"].waiting
OFFLINE = BY_KEY["offline"].waiting


WAITING_MEDIA = register(ListSpec(
    name="waiting_media",
    filterset_class=MediaWaitingFilter,
    default_ordering=("reviewer_since", "id"),
    export_filename="超期待审核-新媒体账号.xlsx",
    export_sheet="超期待审核（新媒体账号）",
    querysets=_querysets("media", "filer_unit"),
    export_context=_export_context,
    row_class=_row_class(REVIEW),
    actions=lambda row, request: format_html('<a class="btn btn-link btn-sm p-0" href="{}">查看</a>',
                                             reverse("media:detail", args=[row.pk])),
    columns=[
        Column("name", "名称", lambda r: r.name, sort="name", choosable=False, fields=("name",)),
        Column("account_type", "账号类型", lambda r: r.type_display, fields=("account_type",),
               fmt=lambda ctx, v: TYPE_NAMES.get(v, v)),
        Column("status", "申请类型", lambda r: r.status_label, sort="status", fields=("status",),
               fmt=lambda ctx, v: STATUS_LABELS.get(v, v)),
        Column("filer", "填报单位", lambda r: r.filer_unit.name, fields=("filer_unit__name",)),
        *reviewer_columns(REVIEW),
    ],
))

WAITING_WEBSITES = register(ListSpec(
    name="waiting_websites",
    filterset_class=WebsiteWaitingFilter,
    default_ordering=("reviewer_since", "id"),
    export_filename="超期待审核-政府网站.xlsx",
    export_sheet="超期待审核（政府网站）",
    querysets=_querysets("website", "org_unit"),
    export_context=_export_context,
    row_class=_row_class(REVIEW),
    actions=lambda row, request: format_html('<a class="btn btn-link btn-sm p-0" href="{}">查看</a>',
                                             reverse("websites:review_detail", args=[row.pk])),
    columns=[
        Column("name", "网站名称", lambda r: r.name, sort="name", choosable=False, fields=("name",)),
        Column("filing", "申报状态", lambda r: r.get_filing_display(), sort="filing", fields=("filing",),
               fmt=lambda ctx, v: FILING_LABELS.get(v, v)),
        Column("org_unit", "网站组织单位", lambda r: r.org_unit.name, fields=("org_unit__name",)),
        *reviewer_columns(REVIEW),
    ],
))



def _offline_actions(row, request) -> str:
    """查看 the site; where it waits at the viewer's unit, 下线审核 (the page that decides it)."""
    view = format_html('<a class="btn btn-link btn-sm p-0 me-2" href="{}">查看</a>',
                       reverse("websites:review_detail", args=[row.pk]))
    if row.offline_reviewer_id == request.user.org_unit_id:
        view += format_html('<a class="btn btn-link btn-sm p-0" href="{}">下线审核</a>', reverse("websites:offline_reviews"))
    return view


WAITING_OFFLINE = register(ListSpec(
    name="waiting_offline",
    filterset_class=OfflineWaitingFilter,
    default_ordering=("offline_reviewer_since", "id"),
    export_filename="超期待审核-网站下线申请.xlsx",
    export_sheet="超期待审核（网站下线申请）",
    querysets=_querysets("offline", "org_unit"),
    export_context=_export_context,
    row_class=_row_class(OFFLINE),
    actions=_offline_actions,
    columns=[
        Column("name", "网站名称", lambda r: r.name, sort="name", choosable=False, fields=("name",)),
        Column("site_code", "网站标识码", lambda r: r.site_code or "", fields=("site_code",),
               fmt=lambda ctx, v: v or ""),
        Column("offline_kind", "下线类型", lambda r: OFFLINE_KINDS.get(r.offline_kind, r.offline_kind), sort="offline_kind",
               fields=("offline_kind",), fmt=lambda ctx, v: OFFLINE_KINDS.get(v, v)),
        Column("offline_from", "下线日期", lambda r: f"{r.offline_from:%Y-%m-%d}" if r.offline_from else "",
               fields=("offline_from",), fmt=lambda ctx, v: f"{v:%Y-%m-%d}" if v else ""),
        Column("org_unit", "网站组织单位", lambda r: r.org_unit.name, fields=("org_unit__name",)),
        *reviewer_columns(OFFLINE),
    ],
))

SPECS = {"media": WAITING_MEDIA, "website": WAITING_WEBSITES, "offline": WAITING_OFFLINE}
