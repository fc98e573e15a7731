"""Every list's FilterSet is a ListFilterSet (govmedia.common.filtersets): each request's filters and form
fields are its own, without django-filter's two deep copies."""
from django.http import QueryDict

import govmedia.urls  # noqa: F401  (the lists register themselves with their views)
from accounts_media.lists import MediaAccountFilter
from govmedia.common.filtersets import ListFilterSet
from govmedia.common.lists import REGISTRY


def test_every_registered_list_filters_through_the_shared_filterset():
    assert REGISTRY, "no list registered"
    assert [name for name, spec in REGISTRY.items() if not issubclass(spec.filterset_class, ListFilterSet)] == []


def test_two_requests_share_no_filter_field_or_bound_method(db):
    first = MediaAccountFilter(QueryDict("name=上庄&status=normal"))
    second = MediaAccountFilter(QueryDict("name=发布"))
    for name, filter_ in first.filters.items():
        other = second.filters[name]
        assert filter_ is not other and filter_.parent is first and other.parent is second
        assert filter_ is not MediaAccountFilter.base_filters[name] and filter_.extra is not other.extra
        if filter_.method:  # a method filter calls its own FilterSet's method
            assert filter_.filter.f is filter_ and other.filter.f is other
    assert first.form.fields["status"] is not second.form.fields["status"]
    first.form.fields["status"].choices = [("x", "只在这一次")]
    assert ("x", "只在这一次") not in second.form.fields["status"].choices
    assert ("x", "只在这一次") not in MediaAccountFilter(None).form.fields["status"].choices
    assert "part" in str(first.qs.query) or "LIKE" in str(first.qs.query).upper()
    assert second.is_valid()
    assert first.form.cleaned_data["name"] == "上庄" and second.form.cleaned_data["name"] == "发布"


def test_an_empty_filter_bar_is_built_once_per_role_and_a_filled_one_per_request(rf, users):
    from govmedia.common.lists import filter_bar, filter_controls

    def filterset(user, query=""):
        request = rf.get("/media/", QueryDict(query))
        request.user = user
        return MediaAccountFilter(request.GET if query else None, request=request)

    first, second = filterset(users["gb"]), filterset(users["gb"])
    bar = filter_bar(first)
    assert filter_bar(second) is bar and "_form" not in vars(second)  # the second request built no form
    assert bar == filter_controls(filterset(users["gb"]).form)  # what the request's own form would show
    filer_bar = filter_bar(filterset(users["filer"]))  # a filer unit's bar: without the org filters
    assert {c["name"] for c in bar} - {c["name"] for c in filer_bar} >= {"level", "filer_code"}
    filled = filterset(users["gb"], "name=上庄&status=bogus")
    controls = filter_bar(filled)
    assert controls is not bar and 'value="上庄"' in str(next(c for c in controls if c["name"] == "name")["html"])
    assert next(c for c in controls if c["name"] == "status")["errors"]  # its own errors, its own values
    assert filter_bar(filterset(users["gb"])) is bar  # and the empty bar is unchanged by them
