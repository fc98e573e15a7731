"""门户账号清单核查 on the shared list machinery: the disagreements between the portals' own
account lists and the registry, in the org unit's subtree (0059)."""
import django_filters
from django.db.models import Q
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register
from orgtree.selectors import scope_q

from .models import PortalItem

STATES = [("open", "待核查"), ("closed", "已处理"), ("all", "全部")]


class PortalItemFilter(ListFilterSet):
    q = django_filters.CharFilter(label="网站或账号名称", method="filter_q")
    kind = django_filters.ChoiceFilter(label="类型", choices=PortalItem.Kind.choices, empty_label="全部")
    state = django_filters.ChoiceFilter(label="状态", choices=STATES, empty_label=None, method="filter_state")

    class Meta:
        model = PortalItem
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(website__name__contains=value) | Q(name__contains=value))

    def filter_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(closed_at__isnull=value == "open")


def items_visible_to(user):
    if user.kind == "org" and user.org_unit_id:
        return PortalItem.objects.filter(scope_q(user.org_unit, "org_path"))
    return PortalItem.objects.none()


def portal_querysets(request):
    qs = items_visible_to(request.user).select_related("website", "account")
    listed = qs if request.GET.get("state") else qs.filter(closed_at__isnull=True)
    return listed, qs


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def actions_html(row, request) -> str:
    parts = [format_html('<a class="btn btn-link btn-sm p-0 me-2" href="{}">查看网站</a>',
                         reverse("websites:review_detail", args=[row.website_id]))]
    if row.account_id:
        parts.append(format_html('<a class="btn btn-link btn-sm p-0 me-2" href="{}">查看账号</a>',
                                 reverse("media:detail", args=[row.account_id])))
    if row.closed_at is None:
        parts.append(format_html(
            '<form method="post" action="{}" class="d-inline"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="btn btn-link btn-sm p-0">标记已处理</button></form>',
            reverse("control:portal_close", args=[row.pk]), get_token(request)))
    return format_html_join("", "{}", ((p,) for p in parts))


PORTAL_LIST = register(ListSpec(
    name="control_portal_items",
    filterset_class=PortalItemFilter,
    default_ordering=("-opened_at", "-id"),
    export_filename="门户账号清单核查.xlsx",
    export_sheet="门户账号清单核查",
    actions=actions_html,
    querysets=portal_querysets,
    columns=[
        Column("website", "网站名称", lambda r: r.website.name, sort="website__name"),
        Column("kind", "类型", lambda r: r.get_kind_display(), sort="kind"),
        Column("name", "账号名称", lambda r: r.name, sort="name"),
        Column("url", "链接", lambda r: r.url),
        Column("opened_at", "发现时间", lambda r: _local(r.opened_at), sort="opened_at"),
        Column("state", "状态", lambda r: "待核查" if r.closed_at is None else f"已处理（{_local(r.closed_at)}）"),
    ],
))
