"""The list pages' pagination (govmedia.common.lists.pagination_html): 共 N 条, 每页 and the page links, with the
list's filters and sort kept in every link and every value escaped."""
from django.core.paginator import Paginator

from govmedia.common.list_reads import CappedCountPaginator
from govmedia.common.lists import PAGE_SIZES, pagination_html


def _html(rf, url, rows, number, per_page=20, sort="", paginator_class=Paginator):
    request = rf.get(url)
    paginator = paginator_class(Rows(range(rows)), per_page)
    page = paginator.get_page(number)
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    return pagination_html({"page": page, "request": request, "query": query.urlencode(), "sort": sort,
                            "per_page": per_page, "page_sizes": PAGE_SIZES,
                            "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)})


def test_a_middle_page_links_both_ways_with_the_filters_and_sort_kept(rf):
    html = _html(rf, "/media/?name=%3Cb%3E&status=normal&page=50&sort=-name", 2000, 50, sort="-name")
    assert "共 2000 条，第 50/100 页" in html
    link = "?name=%3Cb%3E&amp;status=normal&sort=-name&page="
    assert f'href="{link}49">上一页' in html and f'href="{link}51">下一页' in html
    assert '<li class="page-item active" aria-current="page"><span class="page-link">50</span></li>' in html
    assert html.count('<span class="page-link">…</span>') == 2 and f'href="{link}100">100<' in html
    assert '<input type="hidden" name="name" value="&lt;b&gt;">' in html and 'name="page"' not in html.split("<label")[0]
    assert '<option value="20" selected>20 条</option>' in html and "<b>" not in html


class Rows(list):
    """Rows as CappedCountPaginator reads a queryset: order_by(), a slice, count()."""

    def order_by(self, *fields):
        return self

    def __getitem__(self, key):
        found = super().__getitem__(key)
        return Rows(found) if isinstance(key, slice) else found

    def count(self, *args):
        return len(self)


def test_one_page_has_no_links_and_a_capped_count_says_so(rf):
    html = _html(rf, "/media/", 7, 1)
    assert "共 7 条，第 1/1 页" in html and "pagination-sm" not in html
    capped = _html(rf, "/log/", 30, 1, paginator_class=lambda rows, n: CappedCountPaginator(rows, n, cap=25))
    assert "共 25+ 条" in capped and 'href="?page=2">2<' in capped and "上一页" not in capped
