"""超期待审核: the requests waiting in the viewer's subtree, by how long they have waited at their
unit, on the shared list machinery (filters, columns, exports). Two lists, one per table."""
from datetime import timedelta

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts_media.models import PENDING, STATUS_LABELS, MediaAccount
from accounts_media.platforms import type_choices
from govmedia.common.lists import Column, ListSpec, register
from websites.models import PENDING_FILINGS, Filing, Website

from .ageing import cutoff, is_overdue, waited_days

FILING_LABELS = dict(Filing.choices)
TYPE_NAMES = dict(type_choices())


class WaitingFilter(django_filters.FilterSet):
    """等待天数 from (inclusive) … to (exclusive), the unit where they wait (code)."""

    days_from = django_filters.NumberFilter(label="等待天数不少于", method="filter_from", min_value=0)
    days_to = django_filters.NumberFilter(label="等待天数少于", method="filter_to", min_value=0)
    reviewer = django_filters.CharFilter(label="审核定位（单位代码）", field_name="reviewer__code", lookup_expr="iexact")

    def filter_from(self, queryset, name, value):
        return queryset.filter(reviewer_since__lte=timezone.now() - timedelta(days=int(value)))

    def filter_to(self, queryset, name, value):
        return queryset.filter(reviewer_since__gt=timezone.now() - timedelta(days=int(value)))


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


TABS = (("overdue", "超期待审核"), ("mine", "本单位超期"), ("all", "全部待审核"))


def tab_of(request) -> str:
    key = request.GET.get("tab", "")
    return key if key in dict(TABS) else "overdue"


def tab_q(request) -> Q:
    tab = tab_of(request)
    if tab == "all":
        return Q()
    q = Q(reviewer_since__lt=cutoff())
    return q & Q(reviewer_id=request.user.org_unit_id) if tab == "mine" else q


def _querysets(visible, related):
    def querysets(request):
        from django.utils.module_loading import import_string

        scope = import_string(visible)(request.user).filter(reviewer__isnull=False).select_related("reviewer", related)
        return scope.filter(tab_q(request)), scope
    return querysets


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _days_value(ctx, since):
    return (ctx["now"] - since).days if since else None


def _export_context(request) -> dict:
    return {"now": timezone.now()}


def _days_html(row):
    days = waited_days(row)
    if is_overdue(row):
        return format_html('<span class="badge text-bg-danger" data-testid="overdue">超期 {} 天</span>', days)
    return "" if days is None else f"{days} 天"


def _row_class(row) -> str:
    return "table-danger" if is_overdue(row) else ""


REVIEWER_COLUMNS = [
    Column("reviewer", "审核定位", lambda r: f"{r.reviewer.name}（{r.reviewer.code}）", sort="reviewer__code",
           fields=("reviewer__name", "reviewer__code"), fmt=lambda ctx, name, code: f"{name}（{code}）"),
    Column("reviewer_since", "到达审核单位时间", lambda r: _local(r.reviewer_since), sort="reviewer_since",
           fields=("reviewer_since",), fmt=lambda ctx, v: _local(v)),
    Column("waited", "等待天数", lambda r: waited_days(r), html=_days_html, sort="reviewer_since", choosable=False,
           fields=("reviewer_since",), fmt=_days_value),
]

WAITING_MEDIA = register(ListSpec(
    name="waiting_media",
    filterset_class=MediaWaitingFilter,
    default_ordering=("reviewer_since", "id"),
    export_filename="超期待审核-新媒体账号.xlsx",
    export_sheet="超期待审核（新媒体账号）",
    querysets=_querysets("accounts_media.selectors.accounts_visible_to", "filer_unit"),
    export_context=_export_context,
    row_class=_row_class,
    actions=lambda row, request: format_html('<a class="btn btn-link btn-sm p-0" href="{}">查看</a>',
                                             reverse("media:detail", args=[row.pk])),
    columns=[
        Column("name", "名称", lambda r: r.name, sort="name", choosable=False, fields=("name",)),
        Column("account_type", "账号类型", lambda r: r.type_display, fields=("account_type",),
               fmt=lambda ctx, v: TYPE_NAMES.get(v, v)),
        Column("status", "申请类型", lambda r: r.status_label, sort="status", fields=("status",),
               fmt=lambda ctx, v: STATUS_LABELS.get(v, v)),
        Column("filer", "填报单位", lambda r: r.filer_unit.name, fields=("filer_unit__name",)),
        *REVIEWER_COLUMNS,
    ],
))

WAITING_WEBSITES = register(ListSpec(
    name="waiting_websites",
    filterset_class=WebsiteWaitingFilter,
    default_ordering=("reviewer_since", "id"),
    export_filename="超期待审核-政府网站.xlsx",
    export_sheet="超期待审核（政府网站）",
    querysets=_querysets("websites.selectors.websites_visible_to", "org_unit"),
    export_context=_export_context,
    row_class=_row_class,
    actions=lambda row, request: format_html('<a class="btn btn-link btn-sm p-0" href="{}">查看</a>',
                                             reverse("websites:review_detail", args=[row.pk])),
    columns=[
        Column("name", "网站名称", lambda r: r.name, sort="name", choosable=False, fields=("name",)),
        Column("filing", "申报状态", lambda r: r.get_filing_display(), sort="filing", fields=("filing",),
               fmt=lambda ctx, v: FILING_LABELS.get(v, v)),
        Column("org_unit", "网站组织单位", lambda r: r.org_unit.name, fields=("org_unit__name",)),
        *REVIEWER_COLUMNS,
    ],
))

SPECS = {"media": WAITING_MEDIA, "website": WAITING_WEBSITES}
