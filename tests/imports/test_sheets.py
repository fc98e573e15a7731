"""The shared reader (govmedia.common.sheets): every non-empty row accounted for."""
import pytest

from govmedia.common import sheets
from tests.imports.files import broken_zip, openpyxl_file, truncated, with_far_cell, xlsxwriter_file

LAYOUT = sheets.Layout(
    sheet="表", max_rows=5, expected="示例模板",
    columns=(sheets.Column("*名称", max_length=10), sheets.Column("联系人", "姓名", label="联系人姓名", max_length=4),
             sheets.Column("联系人", "手机", label="联系人手机"), sheets.Column("说明", multiline=True)))
TWO_ROW = {1: ["注：说明文字"], 2: ["*名称", "联系人", "", "说明"], 3: ["", "姓名", "手机", ""]}
ONE_ROW = {1: ["名称", "姓名", "手机", "说明"]}


def read(rows_at, **kwargs):
    return sheets.read(openpyxl_file(rows_at, **kwargs), LAYOUT)


def test_two_row_header_data_from_the_row_after_it():
    sheet = read({**TWO_ROW, 4: ["甲", "张三", 13800000000, ""]}, merges=["A2:A3", "B2:C2", "D2:D3"])
    assert sheet.header_rows == (2, 3)
    assert [(r.number, r.cells) for r in sheet.rows] == [(4, ["甲", "张三", "13800000000", ""])]


def test_one_row_header_keeps_the_row_under_it():
    """The manual's header on one row (group titles merged across, no sub-titles): row 3 is data."""
    sheet = read({1: ["注"], 2: ["*名称", "联系人", "", "说明"], 3: ["乙", "李四", "", ""]})
    assert sheet.header_rows == (2,) and [r.number for r in sheet.rows] == [3]
    sheet = read({**ONE_ROW, 2: ["丙", "", "", ""]})
    assert sheet.header_rows == (1,) and [r.cells[0] for r in sheet.rows] == ["丙"]


def test_header_texts_are_compared_loosely_but_column_by_column():
    sheet = read({3: ["＊名称 ", "联系人姓名", "联系人-手机", "说 明"], 4: ["丁"]})
    assert sheet.header_rows == (3,)
    with pytest.raises(sheets.SheetError, match="第 1 行第 C 列应为“联系人手机”，实为“电话”") as refused:
        read({1: ["名称", "姓名", "电话", "说明"], 2: ["戊"]})
    assert "请使用示例模板填写" in refused.value.message


def test_a_foreign_sheet_names_the_expected_layout():
    with pytest.raises(sheets.SheetError, match="表头与模板不一致：表格前 10 行中没有模板的表头。表头应为：“\\*名称、联系人、说明”"):
        read({1: ["姓名", "年龄"], 2: ["张三", 30]})


def test_every_row_after_blank_rows_and_far_down_is_read():
    rows = {**ONE_ROW, 2: ["a"], 3: ["b"], 40: ["c"], 6001: ["d"], 6010: ["e"]}
    assert [(r.number, r.cells[0]) for r in read(rows).rows] == [(2, "a"), (3, "b"), (40, "c"), (6001, "d"), (6010, "e")]


def test_the_row_limit_counts_real_rows():
    spread = {**ONE_ROW, **{n: [f"r{n}"] for n in (2, 100, 2000, 7000, 9000)}}
    assert len(read(spread).rows) == 5
    with pytest.raises(sheets.SheetError, match="数据超过 5 行（第 9001 行是第 6 个数据行）"):
        read({**spread, 9001: ["one too many"]})


def test_header_only_is_refused():
    with pytest.raises(sheets.SheetError, match="没有数据行"):
        read(TWO_ROW)


def test_over_long_values_are_reported_not_cut():
    sheet = read({**ONE_ROW, 2: ["名" * 11, "四个字符", "", "x" * 3000], 3: ["名" * 10, "五个字符呀"]})
    assert sheet.errors == [(2, "*名称", "名称不能超过 10 个字符（当前 11 个）"),
                            (3, "联系人姓名", "联系人姓名不能超过 4 个字符（当前 5 个）")]
    assert sheet.rows[0].cells[0] == "名" * 11  # the value itself, never a cut one


def test_control_characters_and_escapes_are_reported():
    content = xlsxwriter_file({1: ["名称", "姓名", "手机", "说明"], 2: ["a\x00b", "", "", "第一行\n第二行"],
                               3: ["c\x01", "", "", "x\x07"], 4: ["换\n行"], 5: ["_x0000_"], 6: ["正常"]})
    sheet = sheets.read(content, LAYOUT)
    assert [(r.number, r.cells[0]) for r in sheet.rows][-1] == (6, "正常")
    assert sheet.errors == [
        (2, "*名称", "名称含有不可见的控制字符（U+0000）：请删除后重新导入"),
        (3, "*名称", "名称含有不可见的控制字符（U+0001）：请删除后重新导入"),
        (3, "说明", "说明含有不可见的控制字符（U+0007）：请删除后重新导入"),
        (4, "*名称", "名称含有换行符或制表符：请改为一行填写"),
        (5, "*名称", "名称含有不可见的控制字符（_x0000_）：请删除后重新导入"),
    ]   # row 2's 说明 may hold a line break: it is free text


def test_numbers_become_the_code_they_are():
    sheet = sheets.read(xlsxwriter_file({1: ["名称", "姓名", "手机", "说明"],
                                         2: [1100000001, 12.0, 13800000000, 1.5]}), LAYOUT)
    assert sheet.rows[0].cells == ["1100000001", "12", "13800000000", "1.5"]


def test_content_beside_the_template_is_reported():
    sheet = read({**ONE_ROW, 2: ["a"], 3: ["", "", "", "", "", "孤立的内容"]})
    assert [r.number for r in sheet.rows] == [2, 3]
    assert sheet.errors == [(3, "F 列", "模板没有该列，其中的内容不会被导入：请删除或移到正确的列")]
    with pytest.raises(sheets.SheetError, match="表头第 1 行 E 列“备注”不是模板的列"):
        read({1: ["名称", "姓名", "手机", "说明", "备注"], 2: ["a"]})


def test_data_above_the_header_is_refused():
    with pytest.raises(sheets.SheetError, match="第 1 行在表头（第 2 行）之上"):
        read({1: ["甲", "张三"], 2: ["名称", "姓名", "手机", "说明"], 3: ["乙"]})


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf\xe5\x90\x8d\xe7\xa7\xb0,\xe5\xa7\x93\xe5\x90\x8d\n", b"PK\x03\x04broken", b""])
def test_what_is_not_an_xlsx_is_refused(content):
    with pytest.raises(sheets.SheetError, match="无法读取该文件"):
        sheets.read(content, LAYOUT)


def test_a_damaged_xlsx_is_refused():
    with pytest.raises(sheets.SheetError, match="无法读取该文件：文件已损坏"):
        sheets.read(broken_zip(), LAYOUT)
    with pytest.raises(sheets.SheetError, match="无法读取该文件"):
        sheets.read(truncated(openpyxl_file({**ONE_ROW, 2: ["a"]})), LAYOUT)


def test_a_cell_at_the_sheets_far_corner_is_refused_without_laying_it_out():
    """calamine lays a sheet out densely: XFD1048576 would need hundreds of GB and abort the worker."""
    content = with_far_cell(openpyxl_file({**ONE_ROW, 2: ["a"]}))
    with pytest.raises(sheets.SheetError, match="文件第 1048576 行（XFD 列）有内容"):
        sheets.read(content, LAYOUT)
    # Far but small enough to lay out: read, and the row is reported like any other.
    sheet = sheets.read(with_far_cell(openpyxl_file({**ONE_ROW, 2: ["a"]}), "AB20000"), LAYOUT)
    assert sheet.errors == [(20000, "AB 列", "模板没有该列，其中的内容不会被导入：请删除或移到正确的列")]


def test_rows_on_a_second_sheet_under_the_same_header_are_not_left_behind():
    from openpyxl import Workbook
    import io

    wb = Workbook()
    first = wb.active
    first.title = "表"
    for row in ([*ONE_ROW[1]], ["甲"]):
        first.append(row)
    notes = wb.create_sheet("填写须知")
    notes.append(["1. 带 * 的列为必填项"])
    out = io.BytesIO()
    wb.save(out)
    assert [r.cells[0] for r in sheets.read(out.getvalue(), LAYOUT).rows] == ["甲"]   # a notes sheet is fine
    more = wb.create_sheet("Sheet2")
    for row in ([*ONE_ROW[1]], ["乙"], ["丙"]):
        more.append(row)
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(sheets.SheetError, match="工作表“Sheet2”也按模板填写了 2 行数据"):
        sheets.read(out.getvalue(), LAYOUT)


def test_a_far_row_of_cells_without_references_is_refused_too():
    """Cells may omit r="…" and take their row from <row r="…">: a far row with a wide one still refused."""
    import io
    import zipfile

    content = with_far_cell(openpyxl_file({**ONE_ROW, 2: ["a"]}), "XFD2")
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c t="inlineStr"><is><t>y</t></is></c></row></sheetData>')
            target.writestr(info, data)
    with pytest.raises(sheets.SheetError, match="文件第 1048576 行"):
        sheets.read(out.getvalue(), LAYOUT)
