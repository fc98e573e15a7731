"""The one export writer (govmedia/common/xlsx.write_table): a frozen, filterable header row and
real date cells (Beijing time), text kept as text (issue #30, decision 0011)."""
import io
from datetime import date, datetime, timezone as dt_timezone

from openpyxl import load_workbook

from govmedia.common.xlsx import cell_value, table_keys, write_table, write_tables


def test_dates_are_date_cells_and_the_header_is_frozen_and_filterable():
    headers = ["名称", "时间", "日期"]
    keys = table_keys(headers)
    at = datetime(2026, 3, 1, 16, 30, 5, tzinfo=dt_timezone.utc)  # 2026-03-02 00:30:05 in Beijing
    rows = [dict(zip(keys, map(cell_value, ["=1+1", at, date(2026, 3, 2)]))), dict(zip(keys, [None, None, None]))]
    out = io.BytesIO()
    assert write_table(out, "导出", headers, iter(rows)) == 2
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [c.value for c in sheet[1]] == headers
    name, moment, day = sheet[2]
    assert (name.value, name.data_type) == ("=1+1", "s")  # never a formula
    assert moment.value == datetime(2026, 3, 2, 0, 30, 5) and moment.number_format == "yyyy-mm-dd hh:mm:ss"
    assert day.value == datetime(2026, 3, 2) and day.number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"


def test_an_empty_export_keeps_its_header():
    out = io.BytesIO()
    assert write_table(out, "导出", ["名称", "时间"], iter([])) == 0
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [c.value for c in sheet[1]] == ["名称", "时间"] and sheet.freeze_panes == "A2"


def test_several_sheets_in_one_workbook_each_as_one_table():
    """write_tables (the 季度通报's 完整名单): every sheet with its header, text as text, dates as
    dates, an empty sheet still headed; the rows streamed from generators."""
    out = io.BytesIO()
    written = write_tables(out, [
        {"title": "不合格", "headers": ["名称", "问题"], "rows": (r for r in [["=cmd()", "无更新"], ["上庄发布", None]])},
        {"title": "未备案账号", "headers": ["名称"], "rows": iter([])},
        {"title": "逾期", "headers": ["单位名称", "截止日期", "逾期天数"], "rows": iter([["燕园", date(2026, 3, 12), 7]])},
    ])
    assert written == 3
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["不合格", "未备案账号", "逾期"]
    failing = book["不合格"]
    assert [c.value for c in failing[1]] == ["名称", "问题"] and failing.freeze_panes == "A2"
    assert (failing["A2"].value, failing["A2"].data_type) == ("=cmd()", "s") and failing["B3"].value is None
    assert [c.value for c in book["未备案账号"][1]] == ["名称"] and book["未备案账号"].max_row == 1
    due = book["逾期"]["B2"]
    assert due.value == datetime(2026, 3, 12) and due.number_format == "yyyy-mm-dd" and book["逾期"]["C2"].value == 7
