"""What the query string asks of a list page (govmedia.common.lists.render_list): its sort, its page
size, its filters (bound only when it names one) and whether the list is opened plainly."""
from typing import TYPE_CHECKING

from django.db.models import F

if TYPE_CHECKING:
    from .lists import ListSpec

PAGE_SIZES = (20, 50, 100)


def ordering_from(request, spec: "ListSpec") -> tuple[tuple, str]:
    sort = request.GET.get("sort", "")
    key = sort.lstrip("-")
    column = spec.column(key)
    if column and column.sort:
        prefix = "-" if sort.startswith("-") else ""
        if column.nulls_last:
            expression = F(column.sort).desc(nulls_last=True) if prefix else F(column.sort).asc(nulls_last=True)
            return (expression, "-id" if prefix else "id"), sort
        return (f"{prefix}{column.sort}", "-id" if prefix else "id"), sort
    return spec.default_ordering, ""


def page_size_from(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def filtered(request, spec: "ListSpec", queryset):
    """The FilterSet of the request and the rows it lets through. Bound only when the query string
    names one of its filters: a list opened plainly (or with only its tab, page or sort) validates
    no form and applies no filter."""
    names = spec.filterset_class.base_filters
    data = request.GET if any(key in names for key in request.GET) else None
    filterset = spec.filterset_class(data, queryset=queryset, request=request)
    qs = filterset.qs if filterset.is_bound else queryset
    if filterset.is_bound and not filterset.is_valid():
        qs = queryset.none()
    return filterset, qs


def filters_applied(request, names) -> bool:
    """The query string gives a value to one of the filters `names` (an empty one applies nothing)."""
    return any(request.GET.get(name) for name in names)


def opened_plainly(request, spec: "ListSpec", sort: str, page_number: int | str | None) -> bool:
    """No filter, no sort chosen, the first page: the list as it opens, which spec.first_page may read."""
    return (spec.first_page is not None and not sort and str(page_number or 1) == "1"
            and not any(key in spec.filterset_class.base_filters for key in request.GET))
