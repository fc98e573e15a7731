"""Excel writing shared by every export and error file.

XlsxWriter in constant-memory mode: rows go to disk as they are written, so memory stays flat for
any row count; `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` are off, so a
cell that begins with = + - @ is stored as the text it is, never as a formula (formula injection)
and long URL columns never hit Excel's hyperlink limit.
"""
import tempfile
from datetime import datetime

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd hh:mm:ss"}


def plain(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if value == "":
        return None  # a blank cell
    return value


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


__all__ = ["XLSX_CONTENT_TYPE", "plain", "workbook_bytes", "write_sheet", "xlsx_response"]


def xlsx_download(content: bytes, filename: str):
    """A ready .xlsx (a template, an error file) as a download with a Chinese file name."""
    from django.http import HttpResponse
    from django.utils.encoding import escape_uri_path

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
