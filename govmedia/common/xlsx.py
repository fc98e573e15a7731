"""Excel writing shared by every export and error file.

List exports (`write_table`) go through rustpy-xlsxwriter, the binding of rust_xlsxwriter
(docs/decisions/0011): constant memory, every str written as an inline string (never a formula,
never a link), about ten times XlsxWriter's speed at national scale. Templates and error files
(`workbook_bytes`, with preambles and widths; `template_workbook`, styled) stay on XlsxWriter in constant-memory mode: rows go to disk as they are written, so memory stays flat for
any row count; `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` are off, so a
cell that begins with = + - @ is stored as the text it is, never as a formula (formula injection)
and long URL columns never hit Excel's hyperlink limit.
"""
import itertools
import tempfile
from datetime import date, datetime

import xlsxwriter
from rustpy_xlsxwriter import Format, write_worksheet, write_worksheets
from django.http import FileResponse
from django.utils import timezone
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd hh:mm:ss"}


def template_workbook(out) -> "xlsxwriter.Workbook":
    """A small styled workbook (a template: merged headers, formats, drop-downs) written into `out`
    by XlsxWriter in memory, cells as text (never a formula, a link or a number); close() it."""
    return xlsxwriter.Workbook(out, {**WORKBOOK_OPTIONS, "constant_memory": False, "in_memory": True})


def plain(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if value == "":
        return None  # a blank cell
    return value


def local_datetime(value, tz=None):
    """An aware datetime as the naive Beijing time to the second (None stays None): a list column's
    value that the page shows as 2026-03-02 09:30:00 (its str()) and an export writes as a date
    cell (write_table's datetime format). `tz`: the default time zone, looked up once by the caller."""
    if value is None:
        return None
    return value.astimezone(tz or timezone.get_default_timezone()).replace(tzinfo=None, microsecond=0)


def write_sheet(workbook, title: str, headers: list[str], rows, widths: list[int] | None = None,
                preamble: list[str] | None = None):
    sheet = workbook.add_worksheet(title[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDE6F5", "align": "center", "border": 1})
    for index, width in enumerate(widths or [18] * len(headers)):
        sheet.set_column(index, index, width)
    row_index = 0
    for row_index, line in enumerate(preamble or [], start=0):  # lines above the table (填报单位：… )
        sheet.write_string(row_index, 0, line)
    row_index = len(preamble or [])
    for col, title_text in enumerate(headers):
        sheet.write_string(row_index, col, title_text, header_format)
    write_string, write = sheet.write_string, sheet.write
    for row_number, row in enumerate(rows, start=row_index + 1):
        for col, value in enumerate(row):
            if type(value) is str:
                if value:
                    write_string(row_number, col, value)  # always text: never a formula or a link
            elif value is not None:
                write(row_number, col, plain(value))
    return sheet


def workbook_bytes(sheets: list[dict]) -> bytes:
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        _write(handle, sheets)
        handle.seek(0)
        return handle.read()


def _write(handle, sheets):
    workbook = xlsxwriter.Workbook(handle, {**WORKBOOK_OPTIONS, "tmpdir": tempfile.gettempdir()})
    for sheet in sheets:
        write_sheet(workbook, **sheet)
    workbook.close()


def xlsx_response(filename: str, sheets: list[dict]) -> FileResponse:
    """Write the workbook to a temp file (rows streamed through constant-memory mode) and send it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    _write(handle, sheets)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def cell_value(value):
    """A value as an export cell: text stays text ('' a blank cell); a datetime a date cell in
    Beijing time (yyyy-mm-dd hh:mm:ss), a date a date cell (yyyy-mm-dd): sortable and filterable in Excel."""
    if type(value) is str:
        return value or None
    if isinstance(value, datetime):
        return plain(value)
    return value


def write_table(target, title: str, headers: list[str], records, on_rows=None, every: int = 5000) -> int:
    """One sheet: a bold header row, then `records` (dicts keyed by `table_keys(headers)`, values
    already export cells: str, int, float, bool or None) streamed into `target` (a path or a
    binary file). `on_rows(n)` is called every `every` rows and at the end (progress). Returns the
    number of data rows written."""
    count = 0

    def counted():
        nonlocal count
        for count, record in enumerate(records, start=1):
            yield record
            if on_rows is not None and count % every == 0:
                on_rows(count)

    header_format = Format().set_bold().set_background_color("#DDE6F5").set_align("center").set_border("thin")
    rows, date_keys = _with_header_row(counted(), table_keys(headers))
    # The header row frozen and filterable; datetimes and dates as date cells (issue #30).
    write_worksheet(rows, target, sheet_name=title[:31], header_format=header_format, column_width=18,
                    freeze_row=1, autofilter=True, datetime_format="yyyy-mm-dd hh:mm:ss",
                    column_formats={key: Format().set_num_format("yyyy-mm-dd") for key in date_keys})
    if on_rows is not None:
        on_rows(count)
    return count


def write_tables(target, tables: list[dict]) -> int:
    """Several sheets in one workbook, each as `write_table` writes one: `tables` are dicts of
    `title`, `headers` and `rows` (lists of cells in the order of the headers, streamed). Returns
    the number of data rows written over all sheets."""
    count = 0

    def records(rows, keys):
        nonlocal count
        for row in rows:
            count += 1
            yield dict(zip(keys, [cell_value(v) for v in row]))

    entries, formats, column_formats = [], {}, {}
    for table in tables:
        title = table["title"][:31]
        rows, date_keys = _with_header_row(records(table["rows"], table_keys(table["headers"])), table_keys(table["headers"]))
        entries.append((title, rows))  # streamed: each sheet's rows are read as they are written
        formats[title] = Format().set_bold().set_background_color("#DDE6F5").set_align("center").set_border("thin")
        column_formats[title] = {key: Format().set_num_format("yyyy-mm-dd") for key in date_keys}
    write_worksheets(entries, target, header_format=formats, column_width={"general": 18},
                     freeze_panes={"general": {"row": 1, "col": 0}}, datetime_format="yyyy-mm-dd hh:mm:ss",
                     autofilter={title: True for title, _ in entries}, column_formats=column_formats)
    return count


DATE_SAMPLE = 200  # the first rows read to tell the columns of dates (no time) from the others


def _with_header_row(records, keys) -> tuple:
    """(the records, the keys of the date-only columns). The writer takes its header from the first
    record's keys: an export with no rows gets one record of blanks (no cell is written for a
    blank), so the sheet still has its header row."""
    head = list(itertools.islice(records, DATE_SAMPLE))
    if not head:
        return iter([dict.fromkeys(keys)]), []
    dates = [key for key in keys if any(type(r.get(key)) is date for r in head)]
    return itertools.chain(head, records), dates


def table_keys(headers: list[str]) -> list[str]:
    """Record keys must differ; a repeated title gets invisible zero-width spaces appended."""
    seen: set[str] = set()
    out = []
    for title in headers:
        key = title
        while key in seen:
            key += "\u200b"
        seen.add(key)
        out.append(key)
    return out


def table_response(filename: str, title: str, headers: list[str], rows) -> FileResponse:
    """An immediate export (导出当页数据, a small selection): the same file as an export job's."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_table(handle, title, headers, rows)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


__all__ = ["XLSX_CONTENT_TYPE", "cell_value", "local_datetime", "plain", "table_keys", "table_response", "workbook_bytes", "write_sheet",
           "write_table", "xlsx_response"]


def xlsx_download(content: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE):
    """A ready .xlsx (a template, an error file) — or another ready document — as a download with a
    Chinese file name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
