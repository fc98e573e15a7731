"""Excel writing shared by every export: openpyxl write-only (flat memory), every string cell
typed as text so that `=`, `+`, `-`, `@` never start a formula (formula injection)."""
import tempfile
from datetime import date, datetime

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F5")


def text_cell(ws, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the first character
    return cell


def plain(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if value is None or value == "":
        return None  # a blank cell
    if isinstance(value, (int, float, date)):
        return value
    return str(value)


def write_sheet(wb: Workbook, title: str, headers: list[str], rows, widths: list[int] | None = None, note: str = ""):
    ws = wb.create_sheet(title=title)
    for index, width in enumerate(widths or [18] * len(headers)):
        ws.column_dimensions[_letter(index)].width = width
    if note:
        ws.append([text_cell(ws, note)])
    header = []
    for title_text in headers:
        cell = text_cell(ws, title_text)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([text_cell(ws, plain(v)) for v in row])
    return ws


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(filename: str, sheets: list[dict]) -> FileResponse:
    """Write the workbook to a temp file (rows streamed through write-only mode) and send it."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        write_sheet(wb, **sheet)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
