"""The one export writer (govmedia/common/xlsx.write_table): a frozen, filterable header row and
real date cells (Beijing time), text kept as text (issue #30, decision 0011)."""
import io
from datetime import date, datetime, timezone as dt_timezone

from openpyxl import load_workbook

from govmedia.common.xlsx import cell_value, table_keys, write_table


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
