"""Excel error values (#N/A …) and formulas in an imported sheet are named, never taken for empty
cells (issue #30): calamine reads both as "", the reader finds them in the sheet's XML."""
import io

import xlsxwriter
from openpyxl import Workbook

from accounts_media import imports
from accounts_media.models import MediaAccount
from govmedia.common import sheets
from tests.imports.files import openpyxl_file
from tests.imports.test_media_import import MERGES, SUBS, TITLES, bili, filer, refused  # noqa: F401 - fixture

LAYOUT = sheets.Layout(sheet="表", max_rows=10, expected="示例模板",
                       columns=(sheets.Column("*名称"), sheets.Column("单位"), sheets.Column("说明", multiline=True)))


def openpyxl_with(cells: dict, sheet="表", rows_at=None) -> bytes:
    """openpyxl writes formulas without a result (it does not calculate) and error cells as t="e"."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for number, values in (rows_at or {1: ["名称", "单位", "说明"]}).items():
        for col, value in enumerate(values, start=1):
            if value not in (None, ""):
                ws.cell(row=number, column=col, value=value)
    for ref, (value, kind) in cells.items():
        ws[ref] = value
        if kind:
            ws[ref].data_type = kind
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_error_values_formulas_and_formula_like_text_are_named_per_row():
    content = openpyxl_with({"A2": ("#N/A", "e"), "B2": ("甲单位", None),
                             "A3": ("=VLOOKUP(B3,Sheet2!A:B,2,0)", None), "B3": ("乙单位", None),
                             "A4": ("#REF!", "e"),
                             "A5": ("=HYPERLINK(\"http://x\")", "s"), "B5": ("丙单位", None),   # text that looks like one
                             "A6": ("正常名称", None), "C6": ("#DIV/0!", "e"),
                             "A7": ("另一个", None), "B7": ("a=b", None)})
    sheet = sheets.read(content, LAYOUT)
    assert sheet.errors == [
        (2, "*名称", "名称为 Excel 错误值 #N/A，请填写名称"),
        (3, "*名称", "名称是公式（=VLOOKUP(B3,Sheet2!A:B,2,0)），文件中没有它的计算结果："
                     "请把公式改为直接填写的名称（可复制后“选择性粘贴-数值”）"),
        (4, "*名称", "名称为 Excel 错误值 #REF!，请填写名称"),   # a row with nothing else is still accounted for
        (5, "*名称", "名称不能以 = 开头（疑似公式）"),
        (6, "说明", "说明为 Excel 错误值 #DIV/0!，请填写说明"),
    ]
    assert [r.number for r in sheet.rows] == [2, 3, 4, 5, 6, 7]   # "=" inside a value is no formula


def test_excel_like_files_with_stored_results():
    """Excel stores a formula's result: an error result is named; a text result is the value shown."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("表")
    ws.write_row(0, 0, ["名称", "单位", "说明"])
    ws.write_formula(1, 0, "=NA()", None, "#N/A")
    ws.write_string(1, 1, "甲单位")
    ws.write_formula(2, 0, '=CONCAT("上庄","发布")', None, "上庄发布")
    ws.write_formula(3, 1, '=IF(1,"","x")', None, "")
    ws.write_string(3, 0, "乙")
    wb.close()
    sheet = sheets.read(out.getvalue(), LAYOUT)
    assert sheet.errors == [(2, "*名称", "名称为 Excel 错误值 #N/A，请填写名称"),
                            (4, "单位", "单位是公式（=IF(1,\"\",\"x\")），文件中没有它的计算结果："
                                        "请把公式改为直接填写的单位（可复制后“选择性粘贴-数值”）")]
    assert [r.cells[0] for r in sheet.rows] == ["", "上庄发布", "乙"]


def test_the_chosen_sheet_is_the_one_scanned():
    """An error on another sheet (a lookup table) says nothing about the imported rows."""
    wb = Workbook()
    lookup = wb.active
    lookup.title = "对照表"
    lookup["A2"] = "#N/A"
    lookup["A2"].data_type = "e"
    ws = wb.create_sheet("表")
    ws.append(["名称", "单位", "说明"])
    ws.append(["甲", "", ""])
    ws["A3"] = "#N/A"
    ws["A3"].data_type = "e"
    out = io.BytesIO()
    wb.save(out)
    sheet = sheets.read(out.getvalue(), LAYOUT)
    assert sheet.errors == [(3, "*名称", "名称为 Excel 错误值 #N/A，请填写名称")]


def test_a_plain_file_has_nothing_hidden():
    sheet = sheets.read(openpyxl_file({1: ["名称", "单位", "说明"], 2: ["甲", "乙", "丙"]}, sheet="表"), LAYOUT)
    assert sheet.errors == [] and [r.cells for r in sheet.rows] == [["甲", "乙", "丙"]]


def test_the_media_import_names_the_error_value_and_the_formula(client, filer):  # noqa: F811
    rows = {1: [imports.NOTE], 2: TITLES, 3: SUBS, 4: bili(1, name=""), 5: bili(2, name=""), 6: bili(3, name="=1+1"),
            7: bili(4)}
    wb = Workbook()
    ws = wb.active
    ws.title = imports.SHEET
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            if value not in (None, ""):
                ws.cell(row=number, column=col, value=value)
    for ref in MERGES:
        ws.merge_cells(ref)
    ws["A4"] = "#N/A"
    ws["A4"].data_type = "e"
    ws["A5"] = "=VLOOKUP(B5,A:B,2,0)"         # a formula: openpyxl stores no result
    ws["A6"].data_type = "s"                   # "=1+1" kept as text
    out = io.BytesIO()
    wb.save(out)
    _, errors = refused(client, out.getvalue())
    assert errors == [
        (4, "*账号名称", "账号名称为 Excel 错误值 #N/A，请填写账号名称"),
        (5, "*账号名称", "账号名称是公式（=VLOOKUP(B5,A:B,2,0)），文件中没有它的计算结果："
                         "请把公式改为直接填写的账号名称（可复制后“选择性粘贴-数值”）"),
        (6, "*账号名称", "账号名称不能以 = 开头（疑似公式）"),
    ]   # never "账号名称不能为空"
    assert MediaAccount.objects.count() == 0
