"""监测发现 on the shared list machinery: an org unit's 待核查 of its subtree (filters, 显示字段, 导出)."""
import django_filters
from django import forms
from django.db.models import Q
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register
from orgtree.selectors import unit_in_scope

from .models import FINDING_LABELS, Finding, Indicator, Kind, Verdict
from .selectors import findings_visible_to, is_owner, verdicts_visible_to
from govmedia.common.search import part_of

DATE = forms.DateInput(attrs={"type": "date"})


class FindingFilter(ListFilterSet):
    q = django_filters.CharFilter(label="名称或标识码", method="filter_q")
    kind = django_filters.ChoiceFilter(label="问题类型", choices=[(k, FINDING_LABELS[k]) for k in Kind], empty_label="全部")
    subject = django_filters.ChoiceFilter(label="对象", choices=[("account", "新媒体账号"), ("website", "政府网站")],
                                          empty_label="全部", method="filter_subject")
    state = django_filters.ChoiceFilter(label="状态", choices=[("open", "待核查"), ("closed", "已恢复"), ("all", "全部")],
                                        empty_label=None, method="filter_state")
    org = django_filters.CharFilter(label="组织单位代码", method="filter_org")
    seen_from = django_filters.DateFilter(field_name="first_seen", lookup_expr="date__gte", label="首次发现从", widget=DATE)
    seen_to = django_filters.DateFilter(field_name="first_seen", lookup_expr="date__lte", label="至", widget=DATE)

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()

        return queryset.filter(part_of("account__name", value) | part_of("account__media_code", value)
                               | part_of("website__name", value) | part_of("website__site_code", value))

    def filter_subject(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(closed_at__isnull=value == "open")

    def filter_org(self, queryset, name, value):
        viewer = getattr(self.request.user, "org_unit", None)
        unit = unit_in_scope(viewer, value) if viewer else None
        if unit is None:
            return queryset.none()
        return queryset.filter(Q(account__org_path__startswith=unit.path) | Q(website__org_path__startswith=unit.path))


def _subject_url(row) -> str:
    if row.account_id:
        return reverse("media:detail", args=[row.account_id])
    return reverse("websites:review_detail", args=[row.website_id])


def _unit(row) -> str:
    return row.account.filer_unit.name if row.account_id else row.website.sponsor


def actions_html(row, request) -> str:
    parts = [format_html('<a class="btn btn-link btn-sm p-0 me-2" href="{}">查看</a>', _subject_url(row))]
    if row.sheet_item_id:
        parts.append(mark_safe('<span class="small text-success">已转入检查结果</span>'))
    elif row.closed_at is None and is_owner(request.user, row):
        parts.append(format_html(
            '<form method="post" action="{}" class="d-inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="btn btn-link btn-sm p-0">转入检查结果信息表</button></form>',
            reverse("monitoring:to_sheet", args=[row.pk]), get_token(request)))
    return format_html_join("", "{}", ((p,) for p in parts))


def finding_querysets(request):
    qs = findings_visible_to(request.user).select_related("account", "account__filer_unit", "website")
    listed = qs if request.GET.get("state") else qs.filter(closed_at__isnull=True)  # 待核查 until another state is chosen
    return listed, qs


def _days(row) -> str:
    days = row.days_without_update(timezone.localdate()) if row.kind == Kind.ACCOUNT_UPDATE else None
    return "" if days is None else str(days)


FINDING_LIST = register(ListSpec(
    name="monitoring_findings",
    filterset_class=FindingFilter,
    default_ordering=("-last_seen", "-id"),
    export_filename="监测发现.xlsx",
    export_sheet="监测发现",
    actions=actions_html,
    querysets=finding_querysets,
    row_class=lambda row: "table-warning" if row.closed_at is None and not row.sheet_item_id else "",
    columns=[
        Column("name", "名称", lambda r: r.subject_name, choosable=False),
        Column("code", "标识码", lambda r: (r.account.media_code if r.account_id else r.website.site_code) or ""),
        Column("subject", "对象", lambda r: "新媒体账号" if r.account_id else "政府网站"),
        Column("unit", "填报单位/主办单位", lambda r: _unit(r)),
        Column("kind", "问题类型", lambda r: r.label, sort="kind"),
        Column("detail", "问题说明", lambda r: r.detail),
        Column("days", "未更新天数", _days, default=False),
        Column("first_seen", "首次发现", lambda r: timezone.localtime(r.first_seen).strftime("%Y-%m-%d %H:%M"),
               sort="first_seen"),
        Column("last_seen", "最近发现", lambda r: timezone.localtime(r.last_seen).strftime("%Y-%m-%d %H:%M"),
               sort="last_seen"),
        Column("state", "状态", lambda r: "待核查" if r.closed_at is None else
               f"已恢复（{timezone.localtime(r.closed_at):%Y-%m-%d}）"),
        Column("in_sheet", "检查结果", lambda r: "已转入" if r.sheet_item_id else "", default=False),
    ],
))


# --- 检查指标监测结果: the verdicts (decision 0045) --------------------------------------------------

def recent_periods(count: int = 8) -> list[tuple[str, str]]:
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        periods.append((f"{year}Q{quarter}", f"{year}年第{quarter}季度"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return periods


class VerdictFilter(ListFilterSet):
    q = django_filters.CharFilter(label="名称或标识码", method="filter_q")
    period = django_filters.ChoiceFilter(label="季度", choices=recent_periods, empty_label="全部")
    indicator = django_filters.ModelChoiceFilter(label="检查指标", queryset=Indicator.objects.order_by("subject", "order"),
                                                 to_field_name="code", empty_label="全部")
    subject = django_filters.ChoiceFilter(label="对象", choices=[("account", "新媒体账号"), ("website", "政府网站")],
                                          empty_label="全部", method="filter_subject")
    veto = django_filters.ChoiceFilter(label="指标类型", choices=[("1", "单项否决"), ("0", "扣分项")], empty_label="全部",
                                       method="filter_veto")

    class Meta:
        model = Verdict
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(account__name__contains=value) | Q(account__media_code__iexact=value)
                               | Q(website__name__contains=value) | Q(website__site_code__iexact=value))

    def filter_subject(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_veto(self, queryset, name, value):
        return queryset.filter(indicator__veto=value == "1")


def verdict_querysets(request):
    qs = verdicts_visible_to(request.user).select_related("indicator", "account", "website")
    return qs, qs


def _evidence(row) -> str:
    data = row.evidence or {}
    urls = [item.get("url") for key in ("stale", "blank", "links", "errors", "overdue") for item in data.get(key, [])
            if isinstance(item, dict) and item.get("url")]
    return "；".join(dict.fromkeys(urls))[:300] or (data.get("url") or "")


VERDICT_LIST = register(ListSpec(
    name="monitoring_verdicts",
    filterset_class=VerdictFilter,
    default_ordering=("-last_seen", "-id"),
    export_filename="检查指标监测结果.xlsx",
    export_sheet="检查指标监测结果",
    querysets=verdict_querysets,
    columns=[
        Column("name", "名称", lambda r: r.subject.name, choosable=False),
        Column("code", "标识码", lambda r: (r.account.media_code if r.account_id else r.website.site_code) or ""),
        Column("subject", "对象", lambda r: "新媒体账号" if r.account_id else "政府网站"),
        Column("indicator", "检查指标", lambda r: r.indicator.name, sort="indicator__order"),
        Column("veto", "指标类型", lambda r: "单项否决" if r.indicator.veto else "扣分项"),
        Column("period", "季度", lambda r: r.period, sort="period"),
        Column("detail", "监测说明", lambda r: r.detail),
        Column("evidence", "证据链接", _evidence, default=False),
        Column("first_seen", "首次不合格", lambda r: timezone.localtime(r.first_seen).strftime("%Y-%m-%d %H:%M"),
               sort="first_seen"),
        Column("last_seen", "最近不合格", lambda r: timezone.localtime(r.last_seen).strftime("%Y-%m-%d %H:%M"),
               sort="last_seen"),
    ],
))
