import django_filters
from django import forms

from orgtree.models import FilerUnit
from orgtree.selectors import unit_in_scope
from govmedia.common.search import part_of
from govmedia.common.filtersets import ListFilterSet

DATE = forms.DateInput(attrs={"type": "date"})


class OrgCascadeMixin(ListFilterSet):
    """省/部 → 市/省局 → 区县/地方部门: the deepest chosen unit narrows the rows to its subtree;
    a code outside the viewer's scope yields nothing."""

    org1 = django_filters.CharFilter(label="省/部", method="filter_org")
    org2 = django_filters.CharFilter(label="市/省局", method="filter_org")
    org3 = django_filters.CharFilter(label="区县/地方部门", method="filter_org")
    org_path_field = "org_unit__path"

    def filter_org(self, queryset, name, value):
        return queryset  # applied once, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        code = next((self.form.cleaned_data.get(k) for k in ("org3", "org2", "org1") if self.form.cleaned_data.get(k)), "")
        if code:
            viewer = getattr(self.request.user, "org_unit", None)
            unit = unit_in_scope(viewer, code) if viewer else None
            if unit is None:
                return queryset.none()
            queryset = queryset.filter(**{f"{self.org_path_field}__startswith": unit.path})
        return queryset


class FilerUnitFilter(OrgCascadeMixin):
    """Name and 唯一标识 by any part of them, on an index (govmedia/common/search.py)."""

    media_count_min = django_filters.NumberFilter(field_name="media_count", lookup_expr="gte", label="账号数量≥")
    media_count_max = django_filters.NumberFilter(field_name="media_count", lookup_expr="lte", label="账号数量≤")
    status = django_filters.ChoiceFilter(choices=FilerUnit.Status.choices, label="状态", empty_label="全部")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="创建时间从", widget=DATE)
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="至", widget=DATE)
    code = django_filters.CharFilter(method="filter_part", label="标识码")
    name = django_filters.CharFilter(method="filter_part", label="单位全称")

    class Meta:
        model = FilerUnit
        fields: list[str] = []

    def filter_part(self, queryset, name, value):
        return queryset.filter(part_of(name, value))
