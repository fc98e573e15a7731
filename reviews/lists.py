"""操作日志 on the shared list machinery: the journal of the filer units and org units of the
viewer's subtree, filtered, sorted, paged (the count capped: a subtree may hold millions of
entries) and exported as a job."""
import django_filters
from django import forms
from django.utils import timezone
from django.utils.html import format_html_join

from govmedia.common import masking
from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import Column, ListSpec, register, same_scope
from govmedia.common.scope import scope_q, unit_in_scope

from .journal import SUBJECT_TYPES
from .models import JournalEntry
from .selectors import org_log_actions, org_log_visible_to

DATE = forms.DateInput(attrs={"type": "date"})


class OrgLogFilter(ListFilterSet):
    unit = django_filters.CharFilter(label="组织单位代码", method="filter_unit", max_length=6)
    action = django_filters.ChoiceFilter(label="操作", empty_label="全部", choices=lambda: list(org_log_actions().items()))
    keyword = django_filters.CharFilter(label="对象（名称或标识码）", field_name="subject_label", lookup_expr="icontains",
                                        max_length=100)
    date_from = django_filters.DateFilter(label="起始日期", field_name="at", lookup_expr="date__gte", widget=DATE)
    date_to = django_filters.DateFilter(label="截止日期", field_name="at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = JournalEntry
        fields: list[str] = []

    def filter_unit(self, queryset, name, value):
        """A unit of the viewer's subtree narrows to its own; any other code yields nothing."""
        viewer = getattr(self.request.user, "org_unit", None)
        unit = unit_in_scope(viewer, value) if viewer else None
        return queryset.filter(scope_q(unit, "scope_path")) if unit else queryset.none()


def actor_text(e) -> str:
    if e.actor_unit_name == "运维人员":
        return "运维人员"  # ops staff are not named to org units
    return f"{e.actor_unit_name}（{e.actor_unit_code}）" if e.actor_unit_code else "—"


def status_text(e) -> str:
    return f"{e.status_before or '无'} → {e.status_after or '无'}" if e.status_before or e.status_after else ""


def changes_text(e) -> str:
    """The change rows, phones and e-mail masked: reading a log needs no contact (个人信息保护)."""
    return "；".join(f"{c.get('label', '')}：{c.get('old') or '（空）'} 改为: {c.get('new') or '（空）'}"
                    for c in masking.masked_json(e.changes or []))


def changes_html(e):
    return format_html_join("", "<div>{}：{} 改为: {}</div>", ((c.get("label", ""), c.get("old") or "（空）",
                                                              c.get("new") or "（空）") for c in masking.masked_json(e.changes or [])))


ORG_LOG_LIST = register(ListSpec(
    name="org_log",
    filterset_class=OrgLogFilter,
    default_ordering=("-at", "-id"),
    export_filename="操作日志.xlsx",
    export_sheet="操作日志",
    querysets=same_scope(lambda request: org_log_visible_to(request.user)),
    count_cap=10_000,
    columns=[
        Column("at", "时间", lambda e: e.at, sort="at", choosable=False,
               html=lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
        Column("actor", "操作单位", actor_text),
        Column("ip_address", "来源地址", lambda e: e.ip_address or ""),
        Column("subject_type", "对象类型", lambda e: SUBJECT_TYPES.get(e.subject_type, e.subject_type)),
        Column("subject", "对象", lambda e: e.subject_label, choosable=False),
        Column("action", "操作", lambda e: e.action_label, choosable=False),
        Column("status", "状态", status_text),
        Column("changes", "变更内容", changes_text, html=changes_html),
        Column("reason", "原因", lambda e: e.reason),
    ],
))

__all__ = ["ORG_LOG_LIST"]
