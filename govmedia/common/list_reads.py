"""How a list page reads its rows (govmedia.common.lists.render_list): one statement for a small
list, the page's ids then its rows for a large one or for a search, a filter over a small list by
its matching ids (which are its count) then the page's rows, and a count that stops at a cap for
the lists that may hold millions of rows."""
from functools import partial
from typing import Callable

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DIRECT_PAGE_MAX = 2000  # rows: up to this many, the join and sort of the whole list cost less than a second query


def rows_of_page(page, queryset, filtered, is_filtered: bool, unfiltered_count: int | None,
                 read_by_id: Callable[[list], list] | None = None, page_columns: Callable | None = None,
                 ids: list | None = None) -> list:
    """The rows of `page` of `filtered` (the list's scope `queryset` with the request's filters):
    a small list (a county's, a filer unit's) in one query; a large one in two (page_rows); a few
    matches of a filter over a scope that may be large (a search) in two as well (found_rows; a
    scope known to hold at most DIRECT_PAGE_MAX rows has no long walk to fear). The rows by id come
    from the scope: their ids came through the filters, so a search is not compiled and run a second
    time (unless a filter adds a column, an annotation, that the page reads). `read_by_id`: the
    list's own reader of the scope's rows by id, a statement compiled once (ListSpec.rows_by_id).
    `page_columns`: what the page reads of each row beyond the list's own columns (ListSpec.page_columns),
    applied to the rows read, never to the count or the ids. `ids`: every matching id in list order,
    when the paginator counted a filter over a small scope by them (count_by_ids)."""
    if ids is not None:
        return in_order(ids[page.start_index() - 1:page.end_index()], read_by_id)
    same_columns = not adds_columns(queryset, filtered)
    if read_by_id is None or not same_columns:
        by_id = queryset if same_columns else filtered
        read_by_id = partial(_rows_by_id, page_columns(by_id) if page_columns else by_id)
    if page.paginator.count > DIRECT_PAGE_MAX:
        return page_rows(page.object_list, read_by_id)
    small_scope = unfiltered_count is not None and unfiltered_count <= DIRECT_PAGE_MAX
    if is_filtered and not small_scope:
        return found_rows(page, read_by_id)
    return list(page_columns(page.object_list) if page_columns else page.object_list)


def page_rows(page_slice, read_by_id: Callable[[list], list]) -> list:
    """The rows of one page in two steps (a "deferred join"): the page's ids first, read in list
    order from an index with no join, then those rows with their related objects. A deep page
    then walks an index instead of joining and sorting the whole scope."""
    return in_order(list(page_slice.values_list("pk", flat=True)), read_by_id)


def found_rows(page, read_by_id: Callable[[list], list]) -> list:
    """The rows of one page of a filtered list whose count (≤ DIRECT_PAGE_MAX) is known: every
    matching id in list order first, then the page's rows. Asked for its first 100 rows in order
    (ORDER BY … LIMIT), PostgreSQL walks the list's order index and filters as it goes when it
    expects many matches; a search by part of a name or code is estimated at thousands of rows
    where it finds tens, and that walk read 242,000 accounts (0.5 s) for 78 (docs/benchmarks.md,
    decision 0070). Asked for all of them, it reads the search's own index and sorts what it found."""
    ids = list(page.paginator.object_list.values_list("pk", flat=True))
    return in_order(ids[page.start_index() - 1:page.end_index()] if ids else [], read_by_id)


def _rows_by_id(queryset, ids: list) -> list:
    return list(queryset.filter(pk__in=ids).order_by())  # no ORDER BY: in_order puts them in order


def in_order(ids: list, read_by_id: Callable[[list], list]) -> list:
    """The rows of `ids`, in the order of `ids` (read without an ORDER BY: the model's default
    ordering would sort what is put in order here)."""
    by_id = {row.pk: row for row in read_by_id(ids)} if ids else {}
    return [by_id[pk] for pk in ids if pk in by_id]


def adds_columns(queryset, filtered) -> bool:
    """A filter of `queryset` annotates its rows with a column the page may read (a search's rank)."""
    return filtered.query.annotations.keys() != queryset.query.annotations.keys()


def small_filtered(unfiltered_count, queryset, filtered) -> bool:
    """A filter applied to a scope known to hold at most DIRECT_PAGE_MAX rows, adding no column."""
    return unfiltered_count is not None and unfiltered_count <= DIRECT_PAGE_MAX and not adds_columns(queryset, filtered)


def count_by_ids(paginator) -> list:
    """Every matching id of `paginator`'s rows in list order, which gives its count too: for a filter
    over a small scope, one statement of ids (no join, no columns) instead of a COUNT(*) and a page
    of rows compiled by the ORM; the page's rows are then read by the list's statement compiled
    once (rows_of_page)."""
    ids = list(paginator.object_list.values_list("pk", flat=True))
    paginator.count = len(ids)  # Paginator.count is a cached_property
    return ids


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows (a bounded subquery), never a whole table of millions: a count of
    CAP then means "CAP or more" (`capped`); narrow with the filters to page further."""

    CAP = 10_000

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or self.CAP

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.cap].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.cap
