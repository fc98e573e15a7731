"""开设时间 and the 3-working-day filing rule (逾期备案), with the clock moved: working days skip
Saturdays, Sundays and settings.PUBLIC_HOLIDAYS; the flag is set at the first 提交, shown on 查看,
filterable and exported on the lists, and listed on the quarter page and the 通报."""
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from accounts_media.filing import filing_deadline, is_late
from accounts_media.models import MediaAccount
from tests.accounts_media.conftest import WB_URL, account_data, approve, reject, submit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return datetime(y, m, d, h, 0, tzinfo=SHANGHAI)


def test_working_days_skip_weekends_and_configured_holidays(settings):
    settings.PUBLIC_HOLIDAYS = []
    assert filing_deadline(date(2026, 3, 5)) == date(2026, 3, 10)  # Thu → Fri, Mon, Tue
    assert filing_deadline(date(2026, 3, 7)) == date(2026, 3, 11)  # a Saturday: Mon, Tue, Wed
    settings.PUBLIC_HOLIDAYS = ["2026-03-09"]
    assert filing_deadline(date(2026, 3, 5)) == date(2026, 3, 11)
    assert not is_late(date(2026, 3, 5), date(2026, 3, 11)) and is_late(date(2026, 3, 5), date(2026, 3, 12))
    assert not is_late(None, date(2026, 3, 12))


@pytest.mark.parametrize(("today", "late"), [((2026, 3, 10), False), ((2026, 3, 11), True)])
def test_the_flag_is_set_at_submission_with_the_clock_moved(chain, settings, today, late):
    settings.PUBLIC_HOLIDAYS = []
    with time_machine.travel(at(*today, h=23), tick=False):  # 23:00 Beijing = 15:00 UTC, same date
        account = submit(chain["shangzhuang"], opened_on=date(2026, 3, 5))
    account.refresh_from_db()
    assert account.submitted_on == date(*today)
    assert account.filed_late is late


def test_a_resubmission_keeps_the_first_submission_date(chain, settings):
    settings.PUBLIC_HOLIDAYS = []
    with time_machine.travel(at(2026, 3, 9), tick=False):
        account = submit(chain["shangzhuang"], opened_on=date(2026, 3, 5))
        account = reject(account, chain["haidian"])
    from accounts_media import services

    with time_machine.travel(at(2026, 3, 20), tick=False):
        account = services.perform(account, "resubmit_add", chain["shangzhuang"], account_data(opened_on=date(2026, 3, 5)))
    assert account.submitted_on == date(2026, 3, 9) and account.filed_late is False


def test_the_add_form_takes_the_date_and_refuses_the_future(client, login, chain, settings):
    settings.PUBLIC_HOLIDAYS = []
    login(chain["shangzhuang"])
    form = {"operator": "海淀区上庄镇政府", "account_type": "WB", "url": WB_URL, "name": "上庄微博",
            "represents_government": "0", "func_publish": "on", "submit": "1"}
    with time_machine.travel(at(2026, 3, 20), tick=False):
        refused = client.post("/media/add/", {**form, "opened_on": "2026-03-21"})
        assert "开设时间不能晚于今天" in refused.content.decode()
        response = client.post("/media/add/", {**form, "opened_on": "2026-03-02"}, follow=True)
    account = MediaAccount.objects.get(name="上庄微博")
    assert account.opened_on == date(2026, 3, 2) and account.filed_late
    page = response.content.decode()
    assert 'data-testid="opened-on">2026-03-02' in page and 'data-testid="filed-late"' in page


def test_org_list_filters_and_exports_the_flag(client, login, chain, settings):
    settings.PUBLIC_HOLIDAYS = []
    with time_machine.travel(at(2026, 3, 20), tick=False):
        late = submit(chain["shangzhuang"], opened_on=date(2026, 3, 2), name="迟报账号")
        submit(chain["shangzhuang"], url=WB_URL, account_type="WB", wechat_kind="", platform_id="2265830070",
               opened_on=date(2026, 3, 19), name="按时账号")
    login(chain["haidian"])
    page = client.get("/media/", {"tab": "pending", "filed_late": "1"}).content.decode()
    assert "迟报账号" in page and "按时账号" not in page
    page = client.get("/media/", {"tab": "pending", "filed_late": "0"}).content.decode()
    assert "按时账号" in page and "迟报账号" not in page
    response = client.post("/media/?tab=pending&filed_late=1", {"export": "selected", "ids": [late.pk]})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
                .active.values)
    header = next(r for r in rows if r and "开设时间" in r)
    line = next(r for r in rows if r and "迟报账号" in r)
    # 开设时间 a date cell (issue #30); openpyxl reads a date cell back as a datetime.
    assert line[header.index("开设时间")] == datetime(2026, 3, 2) and line[header.index("逾期备案")] == "是"


def test_quarter_page_and_circular_list_late_filings_of_the_subtree_only(client, login, chain, settings):
    settings.PUBLIC_HOLIDAYS = []
    with time_machine.travel(at(2026, 3, 20), tick=False):
        account = submit(chain["shangzhuang"], opened_on=date(2026, 3, 2), name="迟报账号")
        approve(account, chain["haidian"])
        submit(chain["tianjin_filer"], url=WB_URL, account_type="WB", wechat_kind="", platform_id="2265830070",
               opened_on=date(2026, 3, 2), name="天津迟报", operator="和平区教育局")
    with time_machine.travel(at(2026, 3, 25), tick=False):
        login(chain["haidian"])
        page = client.get("/self-checks/2026/1/").content.decode()
        assert 'data-account="迟报账号"' in page and "天津迟报" not in page
        circular = client.get("/self-checks/2026/1/circular/").content.decode()
        assert 'data-account="迟报账号"' in circular and "天津迟报" not in circular
        docx = client.get("/self-checks/2026/1/circular/", {"format": "docx"})
        from docx import Document

        doc = Document(io.BytesIO(b"".join(docx.streaming_content) if docx.streaming else docx.content))
        late_table = doc.tables[-1]
        assert [c.text for c in late_table.rows[1].cells][2:] == ["迟报账号", "2026-03-02", "2026-03-20"]
        assert client.get("/self-checks/2026/2/").content.decode().count('data-account="迟报账号"') == 0


def test_the_import_reads_the_optional_column_and_still_takes_files_without_it(client, login, chain, settings):
    from tests.accounts_media.test_import import bili, filled
    from tests.imports.files import openpyxl_file
    from tests.imports.flow import confirm, upload

    from accounts_media import imports

    settings.PUBLIC_HOLIDAYS = []
    assert imports.COLUMNS[-1].title == "开设时间"
    with time_machine.travel(at(2026, 3, 20), tick=False):
        bad = imports.parse_and_validate(filled([bili(1) + ["2026-13-40"], bili(2) + ["2026-03-21"]]))
        assert [(e[0], e[1]) for e in bad.errors] == [(4, "开设时间"), (5, "开设时间")]
        assert "格式不正确" in bad.errors[0][2] and "不能晚于今天" in bad.errors[1][2]
        login(chain["shangzhuang"])
        confirm(client, upload(client, filled([bili(1) + ["2026-03-02"], bili(2) + [datetime(2026, 3, 18)], bili(3)])))
        # A file from the template before the column (12 columns, one header row) still imports.
        old = openpyxl_file({1: [c.sub or c.title for c in imports.COLUMNS[:-1]], 2: bili(4)})
        assert imports.parse_and_validate(old).ok
    accounts = {a.name: a for a in MediaAccount.objects.all()}
    assert (accounts["B站账号1"].opened_on, accounts["B站账号1"].filed_late) == (date(2026, 3, 2), True)
    assert (accounts["B站账号2"].opened_on, accounts["B站账号2"].filed_late) == (date(2026, 3, 18), False)
    assert accounts["B站账号3"].opened_on is None and not accounts["B站账号3"].filed_late
