"""Spreadsheets for the import tests, built the ways users' files are made: openpyxl (Excel-like
files), XlsxWriter (the only writer here that stores control characters, as Excel's `_x0000_`
escape), LibreOffice from a CSV, and byte-level damage."""
import io
import shutil
import subprocess
import zipfile

import xlsxwriter
from openpyxl import Workbook


def openpyxl_file(rows_at: dict[int, list], sheet: str = "Sheet1", merges=(), numbers_as_text=False) -> bytes:
    """A workbook whose sheet holds `rows_at` {sheet row number: values}; merges are A1-style ranges."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for number, values in rows_at.items():
        for col, value in enumerate(values, start=1):
            if value not in (None, ""):
                ws.cell(row=number, column=col, value=value)
    for ref in merges:
        ws.merge_cells(ref)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsxwriter_file(rows_at: dict[int, list], sheet: str = "Sheet1") -> bytes:
    """Strings are written as they are (XlsxWriter escapes control characters as `_x0000_`);
    numbers as numbers."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet)
    for number, values in rows_at.items():
        for col, value in enumerate(values):
            if isinstance(value, str):
                if value:
                    ws.write_string(number - 1, col, value)
            elif value is not None:
                ws.write_number(number - 1, col, value)
    wb.close()
    return out.getvalue()


def libreoffice_file(csv_text: str, tmp_path) -> bytes | None:
    """LibreOffice Calc's own .xlsx of a CSV (None where soffice is not installed)."""
    if not shutil.which("soffice"):
        return None
    source = tmp_path / "data.csv"
    source.write_text(csv_text, encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--infilter=CSV:44,34,76", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=180)
    return (tmp_path / "data.xlsx").read_bytes()


def broken_zip() -> bytes:
    """Looks like an xlsx to the upload check (a zip with the two parts) but cannot be parsed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<not really a workbook")
    return out.getvalue()


def truncated(content: bytes) -> bytes:
    """A real xlsx cut off halfway (an interrupted download)."""
    return content[: len(content) // 2]


def with_far_cell(content: bytes, ref: str = "XFD1048576") -> bytes:
    """The same workbook with one more cell far away, written into the sheet XML by hand."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                row = "".join(ch for ch in ref if ch.isdigit())
                data = data.replace(b"</sheetData>",
                                    f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode())
            target.writestr(info, data)
    return out.getvalue()
