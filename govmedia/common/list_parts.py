"""The list pages' shared parts — 显示字段, 导出, the table, the pages — built once per page by
render_list, with the bytes the four included templates (lists/_columns.html, _export.html,
_table.html, _pagination.html) wrote before: each `{% include %}` cost a list page ~60 µs of
template lookup and rendering (docs/benchmarks.md). A list template writes `{{ list_parts.columns }}`,
`{{ list_parts.export }}`, `{{ list_parts.table }}` and `{{ list_parts.pagination }}`."""
from django.middleware.csrf import get_token
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

from .links import row_url_parts  # (a list's name where a row's pk would go)


def columns_html(request, spec_name: str, column_choices: str, token: str) -> str:
    head, tail = row_url_parts("lists:columns")
    action = escape(f"{head}{spec_name}{tail}")
    return (
        '<div class="dropdown d-inline-block">\n'
        '  <button class="btn btn-sm btn-outline-secondary dropdown-toggle" type="button" data-bs-toggle="dropdown" '
        'data-bs-auto-close="outside" aria-expanded="false">\n'
        '    <i class="bi bi-layout-three-columns" aria-hidden="true"></i> 显示字段\n'
        '  </button>\n'
        f'  <form method="post" action="{action}" class="dropdown-menu p-3 column-chooser">\n'
        f'    {_csrf_input(token)}\n'
        f'    <input type="hidden" name="next" value="{escape(request.get_full_path())}">\n'
        f'    {column_choices}\n'
        '    <button type="submit" class="btn btn-sm btn-primary mt-2">确定</button>\n'
        '  </form>\n'
        '</div>\n')


def export_html(request, query: str, sort: str, page_number: int, token: str) -> str:
    q = escape(query)
    amp = "&" if query else ""
    by = f"sort={escape(sort)}&" if sort else ""
    return (
        '<div class="btn-group">\n'
        '  <button type="button" class="btn btn-sm btn-outline-success dropdown-toggle" data-bs-toggle="dropdown" '
        'aria-expanded="false">\n'
        '    <i class="bi bi-file-earmark-excel" aria-hidden="true"></i> 导出\n'
        '  </button>\n'
        '  <ul class="dropdown-menu">\n'
        f'    <li><a class="dropdown-item" href="?{q}{amp}export=all" data-testid="export-all">导出全部</a></li>\n'
        f'    <li><a class="dropdown-item" href="?{q}{amp}{by}page={page_number}&export=page" '
        'data-testid="export-page">导出当页数据</a></li>\n'
        '    <li><button type="submit" class="dropdown-item" form="selection-form" data-requires-selection disabled '
        'data-testid="export-selected">仅导出所选项</button></li>\n'
        '  </ul>\n'
        '</div>\n'
        f'<form id="selection-form" method="post" action="{escape(request.get_full_path())}" class="d-none" '
        f'data-busy="正在生成导出文件，请稍候…">{_csrf_input(token)}</form>\n')


def table_html(header_html: str, body: str, has_rows: bool, column_count: int, empty_text) -> str:
    rows = body if has_rows else (f'<tr><td colspan="{column_count}" class="text-center text-muted py-4">'
                                  f'{conditional_escape(empty_text or "暂无数据")}</td></tr>')
    return (  # (the template began with a comment line: its line break stays)
        '\n<div class="table-responsive list-table">\n'
        '<table class="table table-sm table-hover table-bordered align-middle bg-white mb-0">\n'
        f'  {header_html}\n'
        '  <tbody>\n'
        f'    {rows}\n'
        '  </tbody>\n'
        '</table>\n'
        '</div>\n')


def page_token(request) -> str:
    """The CSRF token of a page's forms (a list's 显示字段, 导出, a row's 操作; {% csrf_token %},
    govmedia.context_processors.navigation), masked once per request."""
    if not hasattr(request, "_list_csrf_token"):
        request._list_csrf_token = get_token(request)
    return request._list_csrf_token


def page_parts(request, context: dict, pagination) -> dict:
    """The four parts of the list on the page (`context`: render_list's, with the caller's)."""
    token = page_token(request)
    return {
        "columns": SafeString(columns_html(request, context["spec"].name, context["column_choices"], token)),
        "export": SafeString(export_html(request, context["query"], context["sort"], context["page"].number, token)),
        "table": SafeString(table_html(context["header_html"], context["body"], bool(context["rows"]),
                                       context["column_count"], context.get("empty_text"))),
        "pagination": SafeString(pagination(context) + "\n"),
    }


def _csrf_input(token: str) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


__all__ = ["columns_html", "export_html", "page_parts", "page_token", "table_html"]
