"""Exports in the manual's words and with real date cells (issue #30), read back from the file."""
import io
from datetime import date, datetime

import pytest
import time_machine
from openpyxl import load_workbook

from accounts.filer_lists import FILER_UNIT_LIST
from accounts_media.lists import MEDIA_LIST
from accounts_media.models import MediaAccount
from govmedia.common import lists
from tests.accounts_media.conftest import normal_account
from tests.jobs_helpers import export_all

LIST = "/media/"
MARCH_2_0930_BEIJING = "2026-03-02 01:30:00.250000+00:00"


@pytest.fixture
def account(chain):
    with time_machine.travel(MARCH_2_0930_BEIJING, tick=False):
        made = normal_account(chain)
    MediaAccount.objects.filter(pk=made.pk).update(opened_on=date(2026, 2, 27))
    return made


def page_export(client) -> object:
    response = client.get(LIST, {"export": "page"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), response.status_code
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_the_l1_export_heads_the_filer_column_as_the_manuals_l1_screens(client, chain, login, account):
    login(chain["beijing"])   # 省、国务院部门组织单位: the manual's L1 list says 填报单位名称
    for sheet in (page_export(client), export_all(client, LIST).active):
        header = [c.value for c in sheet[1]]
        assert header[:3] == ["填报单位唯一标识", "填报单位名称", "新媒体标识码"] and "填报单位全称" not in header
        assert header == lists.export_headers(MEDIA_LIST, chain["beijing"])
        (row,) = sheet.iter_rows(min_row=2, values_only=True)
        # The cells still land under their columns (the writer's keys follow the titles).
        assert row[1] == account.filer_unit.name and row[header.index("名称")] == account.name
        assert row[0] == account.filer_unit.code
    for other in ("haidian", "gb"):   # the other units' screens (and exports) say 填报单位全称
        login(chain[other])
        header = [c.value for c in page_export(client)[1]]
        assert header[1] == "填报单位全称" and "填报单位名称" not in header, other


def test_media_dates_are_date_cells_in_beijing_time(client, chain, login, account):
    login(chain["haidian"])
    for sheet in (page_export(client), export_all(client, LIST).active):
        header = [c.value for c in sheet[1]]
        row = next(sheet.iter_rows(min_row=2))
        created, opened = row[header.index("创建时间")], row[header.index("开设时间")]
        assert created.is_date and created.value == datetime(2026, 3, 2, 9, 30, 0)
        assert created.number_format == "yyyy-mm-dd hh:mm:ss"
        assert opened.is_date and opened.value == datetime(2026, 2, 27) and opened.number_format == "yyyy-mm-dd"
        updated = row[header.index("修改时间")]
        assert updated.is_date and updated.value.microsecond == 0 and updated.value >= created.value
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref   # the header row frozen and filterable


def test_the_page_still_shows_the_dates_as_text(client, chain, login, account):
    login(chain["haidian"])
    MediaAccount.objects.filter(pk=account.pk).update(updated_at=datetime.fromisoformat(MARCH_2_0930_BEIJING))
    html = client.get(LIST).content.decode()
    assert "<td>2026-03-02 09:30:00</td>" in html and "09:30:00.25" not in html and "+08:00" not in html


def test_the_filer_list_exports_its_time_as_a_date_cell(client, chain, login):
    from orgtree.models import FilerUnit

    FilerUnit.objects.filter(pk=chain["shangzhuang"].filer_unit_id).update(
        created_at=datetime.fromisoformat(MARCH_2_0930_BEIJING))
    login(chain["haidian"])
    sheet = export_all(client, "/filer-units/").active
    header = [c.value for c in sheet[1]]
    assert header == lists.export_headers(FILER_UNIT_LIST, chain["haidian"])
    cells = {row[header.index("部门")].value: row[header.index("时间")] for row in sheet.iter_rows(min_row=2)}
    cell = cells[chain["shangzhuang"].filer_unit.name]
    assert cell.is_date and cell.value == datetime(2026, 3, 2, 9, 30, 0) and cell.number_format == "yyyy-mm-dd hh:mm:ss"
    page = client.get("/filer-units/").content.decode()
    assert "2026-03-02 09:30:00" in page
