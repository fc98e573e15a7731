"""检查季度 / 检查结果信息表: a county opens a quarter, its filer units fill and submit, the county
reviews, returns, accepts and reports upward; deadlines with the clock moved; scope."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports.models import CheckRound, CheckSheet, SpotCheckItem, SpotCheckReport
from tests.accounts_media.conftest import normal_account
from tests.factories import make_website
from tests.jobs_helpers import export_all, run_queued_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return datetime(y, m, d, h, 0, tzinfo=SHANGHAI)


@pytest.fixture
def registry(chain, tree):
    """上庄镇: one 正常 account and one website whose 主办单位 is the town; 海淀区: its own portal."""
    account = normal_account(chain, name="上庄发布")
    town_site = make_website(tree["110108"], "上庄镇政府网", sponsor="海淀区上庄镇政府", site_code="1101080001")
    county_site = make_website(tree["110108"], "海淀区政府网", site_code="1101080000")
    return {"account": account, "town_site": town_site, "county_site": county_site}


def open_q1(client, login, user, **dues):
    login(user)
    data = {"year": 2026, "quarter": 1, **{f"due_{k}": v for k, v in dues.items()}}
    response = client.post("/self-checks/open/", data)
    run_queued_jobs()  # 发起检查 is a job: the worker makes the sheets
    return client.get(response.url, follow=True) if response.status_code == 302 else response


def sheet_of(unit_name):
    return CheckSheet.objects.get(unit_name=unit_name, year=2026, quarter=1)


def fill(client, sheet, marks, name="李洋", phone="010-62345678"):
    data = {"filler_name": name, "filler_phone": phone}
    for item, (passed, problems, rect) in marks.items():
        data[f"passed_{item.pk}"] = passed
        data[f"problems_{item.pk}"] = problems
        data[f"rect_{item.pk}"] = rect
    return client.post(f"/self-checks/sheets/{sheet.pk}/save/", data, follow=True).content.decode()


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_county_quarter_filled_returned_accepted_and_reported_upward(client, chain, login, registry):
    html = open_q1(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"}).content.decode()
    assert "已发起" in html
    round_ = CheckRound.objects.get()
    assert round_.deadlines == {"2": "2026-03-20", "filer": "2026-03-17"}
    # One sheet per filer unit of 海淀区 and one for 海淀区 itself; none for 北京市 or 天津 units.
    assert sorted(CheckSheet.objects.values_list("unit_name", flat=True)) == ["海淀区", "海淀区上庄镇政府", "海淀区燕园街道办事处"]
    town = sheet_of("海淀区上庄镇政府")
    assert str(town.due_date) == "2026-03-17"

    login(chain["shangzhuang"])
    html = client.get("/self-checks/").content.decode()
    assert "待报送" in html and "已逾期" not in html
    html = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    rows = {i.name: i for i in town.items.all()}
    assert set(rows) == {"上庄发布", "上庄镇政府网"}  # the 正常 account and the website the town sponsors
    assert rows["上庄镇政府网"].type_label == "政府网站" and "空白栏目" in html and "监测时间点前2周无更新" in html
    # A website problem is not a new-media problem: refused, and nothing is saved.
    html = fill(client, town, {rows["上庄发布"]: ("0", ["空白栏目"], "已整改"), rows["上庄镇政府网"]: ("1", [], "")})
    assert "须选择存在的突出问题" in html and "本次填写未保存" in html
    assert SpotCheckItem.objects.get(pk=rows["上庄镇政府网"].pk).passed is None
    html = client.post(f"/self-checks/sheets/{town.pk}/submit/", follow=True).content.decode()
    assert "请先填写填表人和联系电话" in html
    fill(client, town, {rows["上庄发布"]: ("0", ["监测时间点前2周无更新"], "已督促更新"), rows["上庄镇政府网"]: ("1", [], "")})
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/", {"type_label": "抖音", "name": "上庄镇文旅",
                                                                  "link": "https://www.douyin.com/user/abc", "rectification": "已提交备案"})
    client.post(f"/self-checks/sheets/{town.pk}/submit/")
    town.refresh_from_db()
    assert (town.status, town.checked_count, town.failed_count, town.unregistered_count) == ("submitted", 2, 1, 1)
    assert str(town.pass_rate) == "50.00"
    # Read-only once submitted.
    html = fill(client, town, {rows["上庄发布"]: ("1", [], "")})
    assert "检查结果已报送，不能修改" in html

    # 海淀区 cannot report while a sheet waits for review; returns it (a reason is required).
    login(chain["haidian"])
    own = sheet_of("海淀区")
    client.post(f"/self-checks/sheets/{own.pk}/save/", {"filler_name": "王区", "filler_phone": "010-88888888"})
    html = client.post(f"/self-checks/sheets/{own.pk}/submit/", {"confirmed": "1"}, follow=True).content.decode()
    assert "待审核" in html
    html = client.post(f"/self-checks/sheets/{town.pk}/return/", {"reason": ""}, follow=True).content.decode()
    assert "请填写退回原因" in html
    client.post(f"/self-checks/sheets/{town.pk}/return/", {"reason": "未备案账号请注明备案进度"})
    town.refresh_from_db()
    assert town.status == "returned" and town.return_reason == "未备案账号请注明备案进度"

    login(chain["shangzhuang"])
    assert "未备案账号请注明备案进度" in client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    client.post(f"/self-checks/sheets/{town.pk}/submit/")
    login(chain["haidian"])
    client.post(f"/self-checks/sheets/{town.pk}/accept/")
    town.refresh_from_db()
    assert town.status == "accepted"
    html = client.get("/self-checks/2026/1/").content.decode()
    assert "海淀区燕园街道办事处" in html and "50.00" in html  # not yet reported; the town's rate
    # The county's own sheet: its portal (no filer unit sponsors it) plus the accepted town sheet.
    client.get(f"/self-checks/sheets/{own.pk}/")
    assert [i.name for i in own.items.all()] == ["海淀区政府网"]
    portal = own.items.get()
    client.post(f"/self-checks/sheets/{own.pk}/save/", {"filler_name": "王区", "filler_phone": "010-88888888",
                                                        f"passed_{portal.pk}": "1"})
    # 燕园 has not reported: reporting upward first asks for a confirmation that names it.
    html = client.post(f"/self-checks/sheets/{own.pk}/submit/").content.decode()
    assert "确认报送上级" in html and "海淀区燕园街道办事处" in html and "1 个下级单位" in html
    assert sheet_of("海淀区").status == "draft"
    client.post(f"/self-checks/sheets/{own.pk}/submit/", {"confirmed": "1"})
    own.refresh_from_db()
    assert (own.status, own.checked_count, own.failed_count, own.unregistered_count) == ("submitted", 3, 1, 1)
    # After reporting upward the county can no longer change its children's results.
    html = client.post(f"/self-checks/sheets/{town.pk}/return/", {"reason": "再改"}, follow=True).content.decode()
    assert "已报送上级" in html

    # 海淀区's 季度通报 as .docx, read back.
    from docx import Document

    response = client.get("/self-checks/2026/1/circular/?format=docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年第1季度政府网站和政务新媒体检查情况的通报" in text
    assert "共检查政府网站和政务新媒体 3 个，不合格 1 个，合格率 66.67%；检查中发现未备案账号 1 个" in text
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert any(len(row) == 5 and row[0] == "海淀区上庄镇政府" and row[2:] == ["上庄发布", "监测时间点前2周无更新", "已督促更新"]
               for row in cells)  # 四、不合格的网站和新媒体
    assert ["监测时间点前2周无更新", "1"] in cells
    assert ["海淀区上庄镇政府", "抖音", "上庄镇文旅", "https://www.douyin.com/user/abc", "已提交备案"] in cells

    # 北京市 sees 海淀区 submitted with its figures, reviews it and builds its report to GB from the sheets.
    login(chain["beijing"])
    html = client.get("/self-checks/2026/1/").content.decode()
    assert 'data-unit="海淀区"' in html and "已报送待审核" in html and "66.67" in html
    client.post(f"/self-checks/sheets/{own.pk}/accept/")
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 1})
    report = SpotCheckReport.objects.get()
    client.post(f"/spot-checks/{report.pk}/from-checks/")
    report.refresh_from_db()
    assert (report.checked_count, report.failed_count) == (1, 1)  # new media only: 上庄发布
    client.post("/spot-checks/new/", {"kind": "website", "year": 2026, "quarter": 1})
    web = SpotCheckReport.objects.get(kind="website")
    client.post(f"/spot-checks/{web.pk}/from-checks/")
    web.refresh_from_db()
    assert (web.checked_count, web.failed_count) == (2, 0)
    # … and still completes it by hand.
    client.post(f"/spot-checks/{web.pk}/header/", {"filler_name": "张", "filler_phone": "010-65190000",
                                                   "checked_count": 5, "failed_count": 1})
    web.refresh_from_db()
    assert (web.checked_count, web.failed_count) == (5, 1)


def test_deadlines_due_and_overdue_with_the_clock_moved_and_the_overdue_export(client, chain, login, registry):
    with time_machine.travel(at(2026, 3, 11), tick=False):
        open_q1(client, login, chain["beijing"], **{"1": "2026-03-25", "2": "2026-03-20", "filer": "2026-03-17"})
    with time_machine.travel(at(2026, 3, 17, 23), tick=False):  # the last day, late evening in Beijing
        login(chain["yanyuan"])
        html = client.get("/self-checks/").content.decode()
        assert "待报送" in html and "已逾期" not in html
    with time_machine.travel(at(2026, 3, 18, 0), tick=False):
        response = client.get("/self-checks/")
        assert "已逾期" in response.content.decode()
        # 本单位检查结果信息表 is a list of the list machinery: its overdue filter, its export.
        assert response.context["spec"].name == "own_check_sheets" and response.context["page"].paginator.count == 1
        assert client.get("/self-checks/", {"overdue": "1"}).context["page"].paginator.count == 1
        assert client.get("/self-checks/", {"status": "accepted"}).context["page"].paginator.count == 0
        login(chain["beijing"])
        assert client.get("/self-checks/", {"overdue": "1"}).context["page"].paginator.count == 0  # its own sheet is due 3-25
        html = client.get("/self-checks/2026/1/").content.decode()
        assert 'data-testid="overdue-total">3<' in html  # 北京市商务局 and the two 海淀区 filers (due 3-17), not the districts (3-20)
    with time_machine.travel(at(2026, 3, 21), tick=False):
        login(chain["beijing"])  # a new session: the last one ended with the clock moved
        html = client.get("/self-checks/2026/1/").content.decode()
        assert 'data-testid="overdue-total">5<' in html  # now 海淀区 and 朝阳区 too
        # 导出逾期未报送单位: the list's export as a job, with the overdue filter.
        response = client.get("/self-checks/2026/1/overdue.xlsx")
        assert response.status_code == 302 and "overdue=1" in response.url
        book = export_all(client, "/self-checks/2026/1/", {"overdue": "1"})
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    head = values[0]
    rows = {row[head.index("单位名称")]: dict(zip(head, row)) for row in values[1:]}
    assert sorted(rows) == sorted(["北京市商务局", "海淀区上庄镇政府", "海淀区燕园街道办事处", "海淀区", "朝阳区"])
    assert [rows["朝阳区"][k] for k in ("单位类别", "所属组织单位", "状态", "逾期天数")] == ["组织单位", "北京市", "未报送", "1"]
    assert [rows["海淀区上庄镇政府"][k] for k in ("单位类别", "所属组织单位", "状态", "逾期天数")] == ["填报单位", "海淀区", "未报送", "4"]


def test_a_nested_round_keeps_the_sheets_and_takes_the_earlier_deadline(client, chain, login, registry):
    with time_machine.travel(at(2026, 3, 11), tick=False):
        open_q1(client, login, chain["beijing"], **{"1": "2026-03-25", "2": "2026-03-20", "filer": "2026-03-19"})
        count = CheckSheet.objects.count()
        open_q1(client, login, chain["haidian"], **{"2": "2026-03-22", "filer": "2026-03-16"})
        assert CheckSheet.objects.count() == count
        assert str(sheet_of("海淀区上庄镇政府").due_date) == "2026-03-16"  # the county asks earlier
        assert str(sheet_of("海淀区").due_date) == "2026-03-20"  # the city's date stands
        assert str(sheet_of("北京市商务局").due_date) == "2026-03-19"  # outside 海淀区: untouched
        html = open_q1(client, login, chain["haidian"], **{"2": "2026-03-22", "filer": "2026-03-16"}).content.decode()
        assert "已发起2026年第1季度检查" in html
        html = client.post("/self-checks/open/", {"year": 2026, "quarter": 2, "due_2": "2026-06-20"}, follow=True).content.decode()
        assert "每一级的截止日期" in html and not CheckRound.objects.filter(quarter=2).exists()


def test_no_unit_sees_another_subtrees_sheets_and_filers_only_their_own(client, chain, login, registry):
    with time_machine.travel(at(2026, 3, 11), tick=False):
        open_q1(client, login, chain["gb"], **{"1": "2026-03-25", "2": "2026-03-20", "3": "2026-03-18", "filer": "2026-03-17"})
    town, county = sheet_of("海淀区上庄镇政府"), sheet_of("海淀区")
    tianjin_filer = CheckSheet.objects.get(filer_unit=chain["tianjin_filer"].filer_unit)
    for outsider in ("tianjin", "heping", "chaoyang"):
        login(chain[outsider])
        assert client.get(f"/self-checks/sheets/{town.pk}/").status_code == 403
        assert client.get(f"/self-checks/sheets/{county.pk}/").status_code == 403
        assert client.post(f"/self-checks/sheets/{town.pk}/return/", {"reason": "x"}).status_code == 403
        assert "海淀区上庄镇政府" not in client.get("/self-checks/2026/1/").content.decode()
        assert "海淀区上庄镇政府" not in client.get("/self-checks/2026/1/circular/").content.decode()
    login(chain["yanyuan"])  # a filer beside 上庄镇 under the same county
    assert client.get(f"/self-checks/sheets/{town.pk}/").status_code == 403
    assert client.post(f"/self-checks/sheets/{town.pk}/submit/").status_code == 403
    assert client.get("/self-checks/2026/1/").status_code == 403  # the quarter overview is for org units
    assert "海淀区燕园街道办事处" in client.get("/self-checks/").content.decode()
    login(chain["shangzhuang"])
    html = client.get("/self-checks/").content.decode()
    assert html.count("/self-checks/sheets/") == 1 and f"/self-checks/sheets/{town.pk}/" in html
    assert client.get(f"/self-checks/sheets/{tianjin_filer.pk}/").status_code == 403
    assert client.post(f"/self-checks/sheets/{town.pk}/accept/").status_code == 403  # filers never review
    # 北京市 reads its subtree (read-only) but only 海淀区 reviews 上庄镇; GB reads all.
    login(chain["beijing"])
    assert client.get(f"/self-checks/sheets/{town.pk}/").status_code == 200
    assert client.get(f"/self-checks/sheets/{tianjin_filer.pk}/").status_code == 403
    login(chain["gb"])
    assert client.get(f"/self-checks/sheets/{tianjin_filer.pk}/").status_code == 200
    login(chain["site"])
    assert client.get("/self-checks/").status_code == 403


def test_reminders_three_days_before_and_on_the_day_once_each_with_the_clock_moved(client, chain, login, tree):
    from django.core import mail
    from django.core.management import call_command

    from accounts import sms
    from tests.jobs_helpers import run_queued_jobs

    tree["110108"].contact_phone, tree["110108"].contact_email = "13700001111", "gk@haidian.gov.cn"
    tree["110108"].save()
    with time_machine.travel(at(2026, 3, 11), tick=False):
        open_q1(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    town = sheet_of("海淀区上庄镇政府")
    town.filler_name, town.filler_phone = "李洋", "010-62345678"
    town.save()
    sms.outbox.clear()
    with time_machine.travel(at(2026, 3, 13, 8), tick=False):  # nothing due in 3 days, nothing today
        call_command("send_check_reminders", stdout=io.StringIO())
        run_queued_jobs()
    assert sms.outbox == []
    with time_machine.travel(at(2026, 3, 14, 8), tick=False):  # the filers' date is 3 days away
        call_command("send_check_reminders", stdout=io.StringIO())
        call_command("send_check_reminders", stdout=io.StringIO())  # twice the same day: once
        run_queued_jobs()  # the SMS and e-mail go out as a job (notifications)
    assert [m.mobile for m in sms.outbox] == ["13900000002", "13900000002"]  # each filer's 联系人
    assert all("将于2026-03-17截止（还有 3 天）" in m.message for m in sms.outbox) and len(sms.outbox) == 2
    login(chain["shangzhuang"])
    client.post(f"/self-checks/sheets/{town.pk}/submit/")  # no rows in the registry: reported at once
    assert sheet_of("海淀区上庄镇政府").status == "submitted"
    sms.outbox.clear()
    with time_machine.travel(at(2026, 3, 17, 8), tick=False):  # the day: only the filer not yet reported
        call_command("send_check_reminders", stdout=io.StringIO())  # … and the county's date is 3 days away
        run_queued_jobs()
    assert sorted(m.message.split("：")[0] + ("今日" if "今日截止" in m.message else "03-20") for m in sms.outbox) == [
        "【政务新媒体检查】海淀区03-20", "【政务新媒体检查】海淀区燕园街道办事处今日"]
    with time_machine.travel(at(2026, 3, 20, 8), tick=False):  # the county's own date: SMS and e-mail
        call_command("send_check_reminders", stdout=io.StringIO())
        run_queued_jobs()
    county = [m for m in sms.outbox if m.mobile == "13700001111"]
    assert len(county) == 2 and "海淀区：" in county[-1].message and "今日截止" in county[-1].message
    assert mail.outbox[-1].to == ["gk@haidian.gov.cn"] and "今日截止" in mail.outbox[-1].body


def test_a_moved_subtree_takes_its_sheets_along(client, chain, login, tree):
    from orgtree.services import move_org_unit

    with time_machine.travel(at(2026, 3, 11), tick=False):
        open_q1(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    town = sheet_of("海淀区上庄镇政府")
    move_org_unit(tree["110108"], tree["120000"])
    town.refresh_from_db()
    assert town.org_path == "/GB0000/120000/110108/"
    login(chain["tianjin"])
    assert client.get(f"/self-checks/sheets/{town.pk}/").status_code == 200
    login(chain["beijing"])
    assert client.get(f"/self-checks/sheets/{town.pk}/").status_code == 403
