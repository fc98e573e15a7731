"""One list machinery for every list page (filer units, accounts, websites, reports).

A `ListSpec` declares the columns (title, how to read a row, sort key, shown by default), the
django-filter FilterSet and the page sizes. `render_list` applies the filters from the query
string, the sort, the page, the user's chosen columns; `export_rows` reads the same filtered rows
(all, or the ticked ones) for .xlsx with the same column titles — immediately for a page or a small
selection (`export_response`), as a job for 导出全部 and large selections (jobs/exports.py).

Export reads rows as `values_list` tuples when every exported column declares the `fields` it
reads (and, if it needs one, a `fmt(ctx, *values)`): no model instance per row, which is most of
the cost at national scale (docs/benchmarks.md). Otherwise it reads model instances in batches
with `prepare_page`, the same as a page. Tests check that both ways give the same cells.
"""
import datetime
import re
from decimal import Decimal
from html import escape as html_escape
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.shortcuts import render

from .list_parts import page_parts
from .list_query import PAGE_SIZES, filtered, filters_applied, opened_plainly, ordering_from, page_size_from
from .list_reads import CappedCountPaginator, count_by_ids, rows_of_page, small_filtered
from .xlsx import cell_value, table_keys, table_response
from django.db import connections

REGISTRY: dict[str, "ListSpec"] = {}


def register(spec: "ListSpec") -> "ListSpec":
    """Make a list's columns choosable through the shared 显示字段 endpoint."""
    REGISTRY[spec.name] = spec
    return spec


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    value: Callable[[Any], Any]                 # row → plain value (export, default HTML)
    sort: str | None = None                      # ORM ordering expression
    default: bool = True                         # shown until the user chooses
    choosable: bool = True                       # listed in 显示字段
    exportable: bool = True
    # row → HTML for the page; escaped like any value unless it is explicitly safe markup
    # (built with format_html / format_html_join, never a bare str); else the escaped value.
    html: Callable[[Any], str] | None = None
    group: str = ""                              # a header over several columns (负责人 …)
    fields: tuple[str, ...] = ()                 # export: the ORM paths this column reads with values_list
    fmt: Callable[..., Any] | None = None        # export: (ctx, *values of `fields`) → value; else the one value
    nulls_last: bool = False                     # sort rows without a value last, both directions
    # user → the title for that user, when a role's screens name it otherwise (the manual's L1
    # screens: 填报单位名称): on the page and in the user's exports (issue #30).
    title_for: Callable[[Any], str] | None = None


@dataclass
class ListSpec:
    name: str                                    # key of the user's saved column choice
    columns: list[Column]
    filterset_class: Any
    default_ordering: tuple[str, ...] = ("-id",)
    export_filename: str = "export.xlsx"
    export_sheet: str = "Sheet1"
    prepare_page: Callable[[list, Any], None] | None = None   # batch extras for a page (one query)
    actions: Callable[[Any, Any], str] | None = None          # (row, request) → 操作 (escaped unless format_html)
    row_class: Callable[[Any], str] | None = None             # row → CSS class (e.g. highlight what awaits me)
    row_attrs: Callable[[Any], str] | None = None             # row → extra attributes (format_html: data-* …)
    # request → (the rows listed: current tab, before filters; the user's whole scope, for 仅导出所选项).
    # The view and an export job (which rebuilds the request) both read the list through it.
    querysets: Callable[[Any], tuple[Any, Any]] | None = None
    export_context: Callable[[Any], dict] | None = None       # request → ctx given to every Column.fmt
    # A list that may hold millions of rows (the journal) counts at most this many (CappedCountPaginator).
    count_cap: int | None = None
    # (request, rows a page, rows in all) → the first page as the list opens (no filter, no sort
    # chosen), read by a statement compiled once (govmedia.common.prepared); None: through the queryset.
    first_page: Callable[[Any, int, int], list | None] | None = None
    # (request, ids) → the rows of those ids of the list's scope as the page shows them, by a statement
    # compiled once (pk__any, govmedia.common.prepared); the ids came through the scope and the filters.
    rows_by_id: Callable[[Any, list], list] | None = None
    # queryset → the same rows with what the page reads of each beyond the list's own columns (joins,
    # annotations): applied to the rows a page reads, never to its count or its ids, where a join
    # would count or sort more than the list (填报单位用户管理 at GB: 49 ms for its first page's ids).
    page_columns: Callable[[Any], Any] | None = None
    extra: dict = field(default_factory=dict)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def chosen_columns(self, user) -> list[Column]:
        saved = (getattr(user, "preferences", None) or {}).get("columns", {}).get(self.name)
        keys = set(saved) if saved else {c.key for c in self.columns if c.default}
        return [titled(c, user) for c in self.columns if not c.choosable or c.key in keys]


def same_scope(rows: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, Any]]:
    """`ListSpec.querysets` of a list with no tabs: the rows listed are the user's whole scope."""
    def querysets(request):
        qs = rows(request)
        return qs, qs

    return querysets


def titled(column: Column, user) -> Column:
    """The column as `user`'s page shows it (its role's title, if it has one)."""
    return replace(column, title=column.title_for(user)) if column.title_for is not None else column


def filter_controls(form, skip=("org1", "org2", "org3")) -> list[dict]:
    """The filter bar's controls as HTML, built in Python: Django renders each widget and each
    <option> through templates, which cost a list page more than its SQL. Plain escapes, as in
    `table_body` (format_html's per-argument checks cost more than the escaping itself)."""
    e = cell_escape
    controls = []
    for name, form_field in form.fields.items():
        if name in skip:
            continue
        value = form[name].value()
        widget = form_field.widget
        kind = getattr(widget, "input_type", "")
        element_id = f"id_{name}"
        if kind == "select":
            chosen = "" if value is None else str(value)
            options = "".join(f'<option value="{e(v)}"{" selected" if str(v) == chosen else ""}>{e(label)}</option>'
                              for v, label in form_field.choices)
            html = f'<select name="{e(name)}" id="{e(element_id)}" class="form-select form-select-sm">{options}</select>'
        elif kind == "checkbox":
            chosen = {str(v) for v in (value or [])}
            boxes = "".join(
                f'<div class="form-check form-check-inline"><input class="form-check-input" type="checkbox" name="{e(name)}" '
                f'value="{e(v)}" id="{e(element_id)}_{e(v)}"{" checked" if str(v) in chosen else ""}><label '
                f'class="form-check-label" for="{e(element_id)}_{e(v)}">{e(label)}</label></div>'
                for v, label in form_field.choices)
            html = f'<div id="{e(element_id)}">{boxes}</div>'
        else:
            html = (f'<input type="{e(widget.attrs.get("type", kind or "text"))}" name="{e(name)}" id="{e(element_id)}" '
                    f'class="form-control form-control-sm" value="{e("" if value is None else value)}">')
        controls.append({"name": name, "label": form_field.label, "id": element_id, "html": mark_safe(html),  # escaped above
                         "errors": form.errors.get(name, []) if form.is_bound else []})
    return controls


_UNBOUND_BARS: dict[tuple, list[dict]] = {}


def filter_bar(filterset) -> list[dict]:
    """The filter bar's controls. A list opened with no filter shows the same empty bar to every
    request of a role (the FilerSet's filters, after its own per-role changes): built once per
    process for such a bar whose choices are fixed in code — building the form and its fields was
    ~0.5 ms of every list page. A bound bar (its values, its errors) is built for the request."""
    if filterset.is_bound or not all(_fixed(f) for f in filterset.filters.values()):
        return filter_controls(filterset.form)
    key = (type(filterset), tuple(filterset.filters))
    controls = _UNBOUND_BARS.get(key)
    if controls is None:
        controls = _UNBOUND_BARS[key] = filter_controls(filterset.form)
    return controls


def _fixed(filter_) -> bool:
    """The filter's form field is the same for every request: no queryset, no choices computed."""
    return (not isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter)
            and "queryset" not in filter_.extra and not callable(filter_.extra.get("choices")))


def filter_controls_html(controls: list[dict]) -> str:
    """The filter bar's fields as lists/_filters.html wrote them in a template loop (the same bytes)."""
    e = cell_escape
    out = []
    for control in controls:
        functions = control["name"] == "functions"
        label_for = "" if functions else f'for="{e(control["id"])}"'
        errors = "".join(f'<div class="invalid-feedback d-block">{e(error)}</div>' for error in control["errors"])
        out.append(f'\n    <div class="col-sm-6 col-lg-2{" col-lg-3" if functions else ""}">\n      '
                   f'<label class="form-label small mb-1" {label_for}>{e(control["label"])}</label>\n      '
                   f'{e(control["html"])}\n      {errors}\n    </div>\n    ')
    return mark_safe("".join(out))  # every value escaped above (the controls' html is safe markup)


def cell_escape(text) -> str:
    """conditional_escape, same output, without the lazy-argument check of its `escape`: a list
    page escapes thousands of cells (docs/benchmarks.md). Plain strings and integers first."""
    kind = type(text)
    if kind is str:
        return html_escape(text) if _SPECIAL(text) else text
    if kind in _PLAIN_KINDS:  # digits, '-', ':', '.', ' ' and '+' only
        return str(text)
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    text = str(text)
    return html_escape(text) if _SPECIAL(text) else text


_SPECIAL = re.compile("[&<>\"']").search  # what html.escape replaces: most cells hold none of it
_PLAIN_KINDS = frozenset({int, datetime.datetime, datetime.date, Decimal})  # str() has none of it


def table_body(rows, columns: list[Column], spec: ListSpec, request, first_number: int) -> str:
    """The rows of the table as HTML, built in Python: a list page renders hundreds of cells and
    the template engine would be most of its time (docs/benchmarks.md)."""
    out = []
    e, special = cell_escape, _SPECIAL
    # Escaped by default: only markup a column built as safe (format_html) passes as HTML.
    readers = [c.html if c.html is not None else c.value for c in columns]
    actions, row_class, row_attrs = spec.actions, spec.row_class, spec.row_attrs
    for number, row in enumerate(rows, start=first_number):
        cells = [f'<td class="text-center col-select"><input type="checkbox" class="form-check-input" name="ids" value="{row.pk}" '
                 f'form="selection-form" data-select-row aria-label="选择第{number}行"></td><td>{number}</td>']
        for read in readers:
            value = read(row)
            if value is None:
                cells.append("<td></td>")
            elif type(value) is str and not special(value):  # most cells: plain text, nothing to escape
                cells.append(f"<td>{value}</td>")
            else:
                cells.append(f"<td>{e(value)}</td>")
        if actions is not None:
            cells.append(f'<td class="text-nowrap col-actions">{e(actions(row, request))}</td>')
        css = e(row_class(row)) if row_class else ""
        attrs = (f' class="{css}"' if css else "") + (f" {e(row_attrs(row))}" if row_attrs else "")
        out.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
    return mark_safe("".join(out))  # row.pk and number are integers; every other piece is escaped above


def header_rows(columns: list[Column]) -> list[list[dict]]:
    """One header row, or two when columns are grouped (新媒体工作负责人: 姓名 职务 …)."""
    if not any(c.group for c in columns):
        return [[{"column": c, "rowspan": 1, "colspan": 1} for c in columns]]
    top: list[dict] = []
    bottom: list[dict] = []
    for c in columns:
        if not c.group:
            top.append({"column": c, "rowspan": 2, "colspan": 1})
        elif top and top[-1].get("group") == c.group:
            top[-1]["colspan"] += 1
            bottom.append({"column": c, "rowspan": 1, "colspan": 1})
        else:
            top.append({"group": c.group, "rowspan": 1, "colspan": 1})
            bottom.append({"column": c, "rowspan": 1, "colspan": 1})
    return [top, bottom]


def header_html(header: list[list[dict]], query: str, sort: str, has_actions: bool) -> str:
    """The table's head rows as the lists' table template wrote them in loops (the same bytes),
    built here: a list of 20 columns cost the page a few hundred template nodes."""
    e = cell_escape
    rows = len(header)
    link_base = f"?{e(query)}&" if query else "?"
    out = ['<thead class="table-light">\n    ']
    for number, header_row in enumerate(header):
        out.append("\n    <tr>\n      ")
        if number == 0:
            out.append('\n      <th scope="col" rowspan="%d" class="text-center col-select"><input type="checkbox" '
                       'class="form-check-input" data-select-all aria-label="全选本页"></th>\n      '
                       '<th scope="col" rowspan="%d">序号</th>\n      ' % (rows, rows))
        out.append("\n      ")
        for cell in header_row:
            rowspan = f'rowspan="{cell["rowspan"]}"' if cell["rowspan"] > 1 else ""
            colspan = f'colspan="{cell["colspan"]}" class="text-center"' if cell["colspan"] > 1 else ""
            column = cell.get("column")
            if cell.get("group"):
                content = e(cell["group"])
            elif column.sort:
                key = column.key
                mark = ""
                if sort == key:
                    mark = ' <i class="bi bi-caret-up-fill" aria-label="升序"></i>'
                elif sort[1:] == key and sort[:1] == "-":
                    mark = ' <i class="bi bi-caret-down-fill" aria-label="降序"></i>'
                content = (f'\n          <a class="sort-link" href="{link_base}sort={"-" if sort == key else ""}{e(key)}">'
                           f'{e(column.title)}{mark}</a>\n        ')
            else:
                content = e(column.title)
            out.append(f'\n      <th scope="col" {rowspan} {colspan}>\n        {content}\n      </th>\n      ')
        out.append("\n      ")
        if number == 0 and has_actions:
            out.append(f'<th scope="col" rowspan="{rows}" class="col-actions">操作</th>')
        out.append("\n    </tr>\n    ")
    out.append("\n  </thead>")
    return mark_safe("".join(out))  # every value escaped above


def column_choices_html(all_columns: list[Column], chosen_keys: set[str]) -> str:
    """显示字段's checkboxes as the lists' template wrote them in a loop (the same bytes)."""
    e = cell_escape
    out = []
    for column in all_columns:
        key = e(column.key)
        group = f"{e(column.group)}·" if column.group else ""
        out.append(f'\n    <div class="form-check">\n      <input class="form-check-input" type="checkbox" name="columns" '
                   f'value="{key}" id="col-{key}" {"checked" if column.key in chosen_keys else ""}>\n      '
                   f'<label class="form-check-label" for="col-{key}">{group}{e(column.title)}</label>\n    </div>\n    ')
    return mark_safe("".join(out))  # every value escaped above


def pagination_html(context) -> str:
    """共 N 条, 每页 and the page links, as the lists' template wrote them in loops (the
    same bytes), built here: a list page's template spent a quarter of its time there. Reads what
    the template read from the context (a page's `page`, `request`, `query`, `sort`, `per_page`,
    `page_sizes`, `page_links`); a missing one is empty, as in a template."""
    e = cell_escape
    page, request = context.get("page"), context.get("request")
    if page is None:
        return ""
    paginator = page.paginator
    query, sort, per_page = context.get("query") or "", context.get("sort") or "", context.get("per_page")
    link = f"?{e(query)}{'&' if query else ''}{f'sort={e(sort)}&' if sort else ''}page="
    capped = "+" if getattr(paginator, "capped", False) else ""
    hidden = "".join(f'<input type="hidden" name="{e(key)}" value="{e(value)}">'
                     for key, values in (request.GET.lists() if request is not None else ())
                     if key not in ("per_page", "page") for value in values)
    sizes = "".join(f'<option value="{e(size)}" {"selected" if size == per_page else ""}>{e(size)} 条</option>'
                    for size in context.get("page_sizes") or ())
    out = [f'<div class="d-flex flex-wrap align-items-center justify-content-between gap-2 mt-2 list-pagination">\n'
           f'  <div class="text-muted small">共 {e(paginator.count)}{capped} 条，第 {e(page.number)}/{e(paginator.num_pages)} 页</div>\n'
           f'  <form method="get" class="d-flex align-items-center gap-2" data-autosubmit>\n    {hidden}\n'
           f'    <label class="small text-nowrap" for="per-page">每页</label>\n'
           f'    <select id="per-page" name="per_page" class="form-select form-select-sm w-auto">\n      {sizes}\n'
           f'    </select>\n  </form>\n  ']
    if paginator.num_pages > 1:
        links = []
        for n in context.get("page_links") or ():
            if n == page.number:
                links.append(f'<li class="page-item active" aria-current="page"><span class="page-link">{e(n)}</span></li>')
            elif n == paginator.ELLIPSIS:
                links.append('<li class="page-item disabled"><span class="page-link">…</span></li>')
            else:
                links.append(f'<li class="page-item"><a class="page-link" href="{link}{e(n)}">{e(n)}</a></li>')
        previous = (f'<li class="page-item"><a class="page-link" href="{link}{page.previous_page_number()}">上一页</a></li>'
                    if page.has_previous() else "")
        following = (f'<li class="page-item"><a class="page-link" href="{link}{page.next_page_number()}">下一页</a></li>'
                     if page.has_next() else "")
        out.append(f'\n  <nav aria-label="分页">\n    <ul class="pagination pagination-sm mb-0">\n      {previous}\n'
                   f'      {"".join(links)}\n      {following}\n    </ul>\n  </nav>\n  ')
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # every value escaped above; page numbers are integers


def render_list(request, spec: ListSpec, queryset, template: str, extra: dict | None = None,
                unfiltered_count: int | None = None, page_context: Callable[[list], dict] | None = None):
    """`queryset`: the rows listed, or a function that builds them: a list opened plainly whose first
    page spec.first_page reads and whose count the caller knows builds none of it.
    `unfiltered_count`: the row count of `queryset` when the caller already knows it (a
    cached tab count); used while no filter is applied, so the page needs no COUNT(*). A function:
    called (a count kept in a cache) only while no filter is applied, else the count is unknown.
    `page_context(rows)`: more context from the rows on screen (no second paging of the list)."""
    if callable(unfiltered_count):
        unfiltered_count = None if filters_applied(request, spec.filterset_class.base_filters) else unfiltered_count()
    ordering, sort = ordering_from(request, spec)
    per_page = page_size_from(request)
    plain = opened_plainly(request, spec, sort, request.GET.get("page"))
    rows = spec.first_page(request, per_page, unfiltered_count) if plain and unfiltered_count is not None else None
    if rows is not None:  # the filter bar unbound, the pages of the known count: no queryset built
        filterset = spec.filterset_class(None, request=request)
        paginator = Paginator(range(unfiltered_count), per_page)
        page = paginator.page(1)
    else:
        queryset = queryset() if callable(queryset) else queryset
        filterset, qs = filtered(request, spec, queryset)
        paginator = (CappedCountPaginator(qs.order_by(*ordering), per_page, cap=spec.count_cap) if spec.count_cap
                     else Paginator(qs.order_by(*ordering), per_page))
        if known := unfiltered_count is not None and not filters_applied(request, filterset.filters):
            paginator.count = unfiltered_count  # Paginator.count is a cached_property
        small = not known and spec.rows_by_id and small_filtered(unfiltered_count, queryset, qs)
        ids = count_by_ids(paginator) if small else None  # (a filter over a small scope: no COUNT(*))
        page = paginator.get_page(request.GET.get("page"))
        if opened_plainly(request, spec, sort, page.number):  # (a count the caller did not know)
            rows = spec.first_page(request, per_page, paginator.count)
        if rows is None:
            read = (lambda ids: spec.rows_by_id(request, ids)) if spec.rows_by_id else None
            rows = rows_of_page(page, queryset, qs, filterset.is_bound, unfiltered_count, read, spec.page_columns, ids)
    if spec.prepare_page:
        spec.prepare_page(rows, request)
    columns = spec.chosen_columns(request.user)
    table_rows = [{"obj": row} for row in rows]
    body = table_body(rows, columns, spec, request, page.start_index() if rows else 0)
    query = request.GET.copy()
    for key in ("page", "sort"):
        query.pop(key, None)
    query_string, header, controls = query.urlencode(), header_rows(columns), filter_bar(filterset)
    all_columns, chosen_keys = [titled(c, request.user) for c in spec.columns if c.choosable], {c.key for c in columns}
    context = {
        "spec": spec,
        "filter": filterset,
        "filter_controls": controls,
        "filter_controls_html": filter_controls_html(controls),
        "filter_active": filters_applied(request, filterset.filters),  # phones: the form opens
        "page": page,
        "rows": table_rows,
        "body": body,
        "has_actions": spec.actions is not None,
        "column_count": len(columns) + 2 + (spec.actions is not None),  # checkbox, 序号, columns, 操作
        "columns": columns,
        "header": header,
        "header_html": header_html(header, query_string, sort, spec.actions is not None),
        "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "column_choices": column_choices_html(all_columns, chosen_keys),
        "sort": sort,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "query": query_string,
        **(extra or {}),
        **(page_context(rows) if page_context else {}),
    }
    context["list_parts"] = page_parts(request, {**context, "request": request}, pagination_html)
    return render(request, template, context)


def export_columns(spec: ListSpec) -> list[Column]:
    return [c for c in spec.columns if c.exportable]


def export_headers(spec: ListSpec, user=None) -> list[str]:
    """The header row of an export, in the words of the requester's screens (`Column.title_for`).
    The writer's record keys are made from these titles (`table_keys`): `export_rows` and the
    writer must be given the headers of the same user."""
    columns = [titled(c, user) for c in export_columns(spec)] if user is not None else export_columns(spec)
    return [f"{c.group}{c.title}" if c.group else c.title for c in columns]


def export_queryset(request, spec: ListSpec, listed, scope=None, selected_ids: list[int] | None = None):
    """The rows an export writes, in the list's order: the filtered list, or the ticked ids kept
    inside the user's scope."""
    if selected_ids is not None:
        qs = (scope if scope is not None else listed).filter(pk__in=selected_ids)
    else:
        _, qs = filtered(request, spec, listed)
    ordering, _ = ordering_from(request, spec)
    return qs.order_by(*ordering)


def export_rows(spec: ListSpec, request, qs, chunk_size: int = 5000):
    """The cells of every row of `qs`: one dict per row keyed by
    `table_keys(export_headers(spec, request.user))` (what the writer takes), in the order of the headers."""
    columns = export_columns(spec)
    keys = table_keys(export_headers(spec, getattr(request, "user", None)))
    if all(c.fields for c in columns):
        yield from _rows_from_values(spec, request, qs, columns, keys, chunk_size)
        return
    batch: list = []
    for row in qs.iterator(chunk_size=chunk_size):
        batch.append(row)
        if len(batch) == chunk_size:
            yield from _export_rows(spec, request, batch, columns, keys)
            batch = []
    yield from _export_rows(spec, request, batch, columns, keys)


def _rows_from_values(spec, request, qs, columns, keys, chunk_size):
    names: list[str] = []
    for column in columns:
        names += [f for f in column.fields if f not in names]
    ctx = spec.export_context(request) if spec.export_context else {}
    row_of = _row_function(columns, keys, names, ctx)
    with _whole_result_plan(qs.db):
        for values in qs.values_list(*names).iterator(chunk_size=chunk_size):
            yield row_of(values)


def _row_function(columns, keys, names, ctx):
    """One function `values tuple → {header: cell}` for the whole row, generated from the column
    declarations (indices and the columns' own fmt functions only): at 250k rows × 20 columns a
    Python call saved per cell is seconds (docs/benchmarks.md)."""
    scope = {"ctx": ctx}
    cells = []
    for n, column in enumerate(columns):
        scope[f"k{n}"] = keys[n]
        places = ", ".join(f"v[{names.index(f)}]" for f in column.fields)
        if column.fmt is None:
            cells.append(f"k{n}: v[{names.index(column.fields[0])}]")
        else:
            scope[f"f{n}"] = column.fmt
            cells.append(f"k{n}: f{n}(ctx, {places})")
    return eval("lambda v: {" + ", ".join(cells) + "}", scope)  # noqa: S307 - built from our column list only


@contextmanager
def _whole_result_plan(alias: str):
    """PostgreSQL plans a server-side cursor for its first 10% of rows (cursor_tuple_fraction):
    for 250k rows that is an index walk with one filer-unit lookup per row, many times slower
    than the hash join and sort of a plan for every row. An export reads every row."""
    connection = connections[alias]
    # Without server-side cursors (behind PgBouncer) there is no cursor plan, and a session SET
    # would stay on whichever pooled connection it landed on.
    if connection.vendor != "postgresql" or connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")


def export_response(request, spec: ListSpec, listed, scope=None, selected_ids: list[int] | None = None):
    """An immediate export: 导出当页数据 or a small 仅导出所选项 (larger ones are jobs)."""
    qs = export_queryset(request, spec, listed, scope, selected_ids)
    return table_response(spec.export_filename, spec.export_sheet, export_headers(spec, request.user),
                          export_rows(spec, request, qs))


def selected_ids(request) -> list[int]:
    return [int(i) for i in request.POST.getlist("ids") if i.isdigit()]


def page_ids(request, spec: ListSpec, listed) -> list[int]:
    """导出当页数据: the ids of the page on screen."""
    page = Paginator(export_queryset(request, spec, listed), page_size_from(request)).get_page(request.GET.get("page"))
    return list(page.object_list.values_list("pk", flat=True))


def _export_rows(spec, request, batch, columns, keys):
    if batch and spec.prepare_page:
        spec.prepare_page(batch, request)
    for row in batch:
        yield dict(zip(keys, [cell_value(c.value(row)) for c in columns]))


def save_column_choice(user, table: str, keys: list[str], spec: ListSpec) -> list[str]:
    valid = [c.key for c in spec.columns if c.choosable and c.key in set(keys)]
    prefs = dict(user.preferences or {})
    prefs.setdefault("columns", {})[table] = valid
    user.preferences = prefs
    user.save(update_fields=["preferences"])
    return valid


OPEN_CLOSED = (("open", "待核查"), ("closed", "已处理"), ("all", "全部"))


def open_closed_tabs(request, visible, labels=OPEN_CLOSED) -> list[dict]:
    """The 待核查/已处理/全部 tabs of a list whose rows close (`closed_at`), with their counts in one
    aggregate over the user's visible rows; each tab keeps the other filters and drops the page."""
    counts = visible.aggregate(open=Count("id", filter=Q(closed_at__isnull=True)),
                               closed=Count("id", filter=Q(closed_at__isnull=False)), all=Count("id"))
    query = request.GET.copy()
    for key in ("state", "page"):
        query.pop(key, None)
    state = request.GET.get("state") or "open"
    return [{"key": key, "label": label, "count": counts[key], "active": key == state,
             "query": "&".join(p for p in (query.urlencode(), f"state={key}") if p)} for key, label in labels]
