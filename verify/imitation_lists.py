"""举报仿冒账号, the org units' side, on the shared list machinery: the items routed to the unit or
below it, in tabs by state (待核查 first), with filters, 显示字段 and 导出."""
import django_filters
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from govmedia.common import masking
from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register

from .models import ImitationReport, ImitationStatus

TABS = [(s.value, s.label) for s in ImitationStatus]


def reports_visible_to(user):
    """The items of the user's org unit and its subtree (deny by default: nothing for others)."""
    unit = getattr(user, "org_unit", None) if getattr(user, "kind", "") == "org" else None
    if unit is None:
        return ImitationReport.objects.none()
    return ImitationReport.objects.filter(org_path__startswith=unit.path)


def tab_of(request) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in dict(TABS) else ImitationStatus.PENDING.value


def tab_counts(request) -> list[dict]:
    """The tabs with their counts: one grouped query over the unit's items."""
    counts = dict(reports_visible_to(request.user).values_list("status").annotate(n=Count("id")).order_by())
    current = tab_of(request)
    return [{"key": key, "label": label, "count": counts.get(key, 0), "active": key == current,
             "url": f"?tab={key}"} for key, label in TABS]


class ImitationFilter(ListFilterSet):
    q = django_filters.CharFilter(label="链接或名称", method="filter_q")
    source = django_filters.ChoiceFilter(label="来源", choices=ImitationReport.Source.choices, empty_label="全部")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="首次举报从")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="至")

    class Meta:
        model = ImitationReport
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(link__contains=value) | Q(claimed__contains=value))


def querysets(request):
    scope = reports_visible_to(request.user).select_related("org_unit")
    return scope.filter(status=tab_of(request)), scope


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def actions_html(row, request) -> str:
    return format_html('<a class="btn btn-link btn-sm p-0" href="{}">{}</a>', reverse("imitation:detail", args=[row.pk]),
                       "核查" if row.status == ImitationStatus.PENDING else "查看")


def prepare_page(rows, request):
    """The reporter's contact in full only for the unit that checks the report (masking, journaled)."""
    ctx = masking.viewer(request.user)
    revealed = 0
    for row in rows:
        row.contact_shown = masking.shown(ctx, row.contact, row.org_unit_id, mask=masking.mask_contact)
        revealed += bool(row.contact) and row.contact_shown == row.contact
    if revealed and "contact" in {c.key for c in IMITATION_LIST.chosen_columns(request.user)}:
        masking.record_reveal(request.user, "举报仿冒账号（列表）", revealed)


def export_context(request) -> dict:
    ctx = masking.viewer(request.user)
    if ctx["reveal_org"] and "contact" in {c.key for c in IMITATION_LIST.chosen_columns(request.user)}:
        masking.record_reveal(request.user, "举报仿冒账号（导出）", 1, note="导出本单位核查的举报人联系方式")
    return ctx


IMITATION_LIST = register(ListSpec(
    name="imitation_reports",
    filterset_class=ImitationFilter,
    default_ordering=("-updated_at", "-id"),
    export_filename="举报仿冒账号.xlsx",
    export_sheet="举报仿冒账号",
    actions=actions_html,
    querysets=querysets,
    prepare_page=prepare_page,
    export_context=export_context,
    columns=[
        Column("claimed", "自称", lambda r: r.claimed or "（未说明）", choosable=False),
        Column("link", "链接", lambda r: r.link),
        Column("source", "来源", lambda r: r.get_source_display(), sort="source"),
        Column("reports", "举报次数", lambda r: r.reports, sort="reports"),
        Column("lookups", "查询次数", lambda r: r.lookups, sort="lookups"),
        Column("unit", "核查单位", lambda r: r.org_unit.name),
        Column("status", "状态", lambda r: r.status_label),
        Column("created_at", "首次举报时间", lambda r: _when(r.created_at), sort="created_at"),
        Column("updated_at", "最近更新", lambda r: _when(r.updated_at), sort="updated_at"),
        Column("note", "核查说明", lambda r: r.note, default=False),
        Column("contact", "举报人联系方式", lambda r: r.contact_shown, default=False, fields=("contact", "org_unit_id"),
               fmt=lambda ctx, v, org: masking.shown(ctx, v, org, mask=masking.mask_contact)),
    ],
))
