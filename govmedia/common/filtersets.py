"""The FilterSets of the list pages (govmedia.common.lists): every list's filters derive from
`ListFilterSet`; `CodeOrNameFilter` is the shared 代码或名称 search box."""
import copy

import django_filters
from django.db.models import Q
from django_filters.filters import FilterMethod


def _fresh_filter(declared):
    """A filter of this request's FilterSet: its own attributes and `extra`, its own form field (built
    on first use) and its `method` bound to itself; what it shares with the declared one (choices,
    widgets, querysets) the form field copies when it is built, as Django's fields do."""
    fresh = copy.copy(declared)
    fresh.extra = dict(declared.extra)
    fresh.__dict__.pop("_field", None)
    if isinstance(declared.__dict__.get("filter"), FilterMethod):
        fresh.filter = FilterMethod(fresh)
    return fresh


class ListFilterSet(django_filters.FilterSet):
    """Every list's FilterSet. django-filter deep-copies the declared filters for each FilterSet and
    the form deep-copies the fields built from them once more: ~1 ms of a list page, the largest
    piece of the filter bar's cost (docs/benchmarks.md). Here the filters are copied as
    `_fresh_filter` does, and the form keeps the fields this FilterSet has just built for it alone."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        base, self.base_filters = self.base_filters, {}  # django-filter's deep copy of nothing
        try:
            super().__init__(data, queryset, request=request, prefix=prefix)
        finally:
            del self.base_filters  # the class's again
        model = self.queryset.model
        self.filters = {name: _fresh_filter(declared) for name, declared in base.items()}
        for filter_ in self.filters.values():
            filter_.model, filter_.parent = model, self

    def get_form_class(self):
        form = super().get_form_class()
        for form_field in form.base_fields.values():  # built for this FilterSet only: the form's copy is itself
            form_field.__deepcopy__ = _same_field(form_field)
        return form


def _same_field(form_field):
    return lambda memo: form_field


class CodeOrNameFilter(ListFilterSet):
    """A search box `q`: the exact code (`code_field`, any case), or part of the name (`name_field`)."""

    code_field, name_field = "code", "name"
    q = django_filters.CharFilter(label="代码或名称", method="filter_q")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(**{f"{self.code_field}__iexact": value}) | Q(**{f"{self.name_field}__contains": value}))
