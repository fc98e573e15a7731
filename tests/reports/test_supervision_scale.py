"""Quarterly supervision at national scale (issue 25): rounds as jobs (once, resumable), every live
account and site on the sheet, the sheet on the review engine (409, journal), 检查季度 and 通报
from aggregates that add up and do not grow with the subtree, reminders that cannot be missed."""
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_media.models import MediaAccount
from jobs.models import Job
from orgtree.models import FilerUnit
from reports.check_rounds import expected_sheets, generate
from reports.models import CheckRound, CheckSheet, SheetReminder, SpotCheckItem
from reviews.models import JournalEntry
from tests.accounts_media.conftest import normal_account
from tests.factories import make_filer, make_website
from tests.jobs_helpers import run_queued_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")
GB_DUES = {"1": "2026-03-25", "2": "2026-03-20", "3": "2026-03-18", "filer": "2026-03-17"}


def at(y, m, d, h=10, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def open_round(client, login, user, year=2026, quarter=1, **dues):
    login(user)
    return client.post("/self-checks/open/", {"year": year, "quarter": quarter,
                                              **{f"due_{k}": v for k, v in dues.items()}})


def sheet_of(name, year=2026, quarter=1):
    return CheckSheet.objects.get(unit_name=name, year=year, quarter=quarter)


# --- rounds as jobs ------------------------------------------------------------------------------

@time_machine.travel(at(2026, 3, 11), tick=False)
def test_a_round_opened_twice_makes_one_set_of_sheets(client, chain, login, tree):
    normal_account(chain, name="上庄发布")
    response = open_round(client, login, chain["gb"], **GB_DUES)
    round_ = CheckRound.objects.get()
    # The page answers at once: the round is 正在生成, its job queued, no sheet made in the request.
    assert response.status_code == 302 and round_.status == "generating" and CheckSheet.objects.count() == 0
    assert round_.job.kind == Job.Kind.CHECK_ROUND and round_.sheets_total == expected_sheets(tree["GB0000"])
    page = client.get(response.url).content.decode()
    assert "正在生成检查表" in page and "生成进度" in page
    # The second click: refused, no second round, no second job.
    again = open_round(client, login, chain["gb"], **GB_DUES)
    assert CheckRound.objects.count() == 1 and Job.objects.filter(kind=Job.Kind.CHECK_ROUND).count() == 1
    assert "本单位已发起2026年第1季度检查" in client.get(again.url).content.decode()
    run_queued_jobs()
    round_.refresh_from_db()
    sheets, items = CheckSheet.objects.count(), SpotCheckItem.objects.count()
    # Every active org unit below GB and every active filer unit: one sheet each.
    assert round_.status == "ready" and sheets == round_.sheets_total == 11 + FilerUnit.objects.count()
    assert items == 1 and sheet_of("海淀区上庄镇政府").items.get().name == "上庄发布"
    job = Job.objects.get(kind=Job.Kind.CHECK_ROUND)
    assert (job.status, job.rows_written, job.rows_total) == ("done", sheets, sheets)
    # The same job delivered again, and the generation run again: nothing more.
    from jobs.services import start_job

    start_job(chain["gb"], Job.Kind.CHECK_ROUND, "again", {"round": round_.pk})
    run_queued_jobs()
    generate(round_)
    assert (CheckSheet.objects.count(), SpotCheckItem.objects.count()) == (sheets, items)
    assert JournalEntry.objects.filter(action="check_open", subject_id=round_.pk).count() == 1


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after this line runs, no handler sees it."""


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_a_worker_dying_mid_round_leaves_its_work_and_the_retry_finishes_it(client, chain, login, tree, monkeypatch,
                                                                             settings):
    from jobs import services

    normal_account(chain, name="上庄发布")
    open_round(client, login, chain["gb"], **GB_DUES)
    round_ = CheckRound.objects.get()
    calls = []
    real_progress = services.Lease.progress

    def dies_after_the_first_part(lease, done, total):
        calls.append(done)
        if len(calls) == 3:  # the first progress is before any part: the worker dies after two parts
            raise WorkerDied()
        return real_progress(lease, done, total)

    monkeypatch.setattr(services.Lease, "progress", dies_after_the_first_part)
    with pytest.raises(WorkerDied):
        services.execute(round_.job_id)
    job = Job.objects.get(pk=round_.job_id)
    made = CheckSheet.objects.count()
    assert job.status == "running" and 0 < made < round_.sheets_total  # the parts done are kept
    monkeypatch.setattr(services.Lease, "progress", real_progress)
    # The watchdog takes the silent job for dead and queues it again; the retry finishes it.
    later = datetime.now(tz=SHANGHAI) + timedelta(seconds=settings.JOBS_LEASE_SECONDS + 5)
    assert services.reap_stalled(now=later) == "中断的任务：重试 1 个，标记失败 0 个"
    run_queued_jobs()
    job.refresh_from_db()
    round_.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and round_.status == "ready"
    assert CheckSheet.objects.count() == round_.sheets_total
    assert SpotCheckItem.objects.filter(name="上庄发布").count() == 1  # prefilled once, not twice


# --- who is on the sheet -------------------------------------------------------------------------

STATUSES_IN = {"normal", "modify_pending", "modify_rejected", "close_pending", "close_rejected"}
STATUSES_OUT = {"draft", "add_pending", "add_rejected", "closed", "restore_pending", "restore_rejected", "deleted"}


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_the_sheet_holds_every_live_account_and_site_whatever_review_is_pending(client, chain, login, tree):
    from websites.models import RunStatus

    base = normal_account(chain, name="模板账号")
    MediaAccount.objects.filter(pk=base.pk).update(removed_at=datetime(2026, 1, 1, tzinfo=SHANGHAI), removal="deleted")
    assert len(STATUSES_IN | STATUSES_OUT) == 12
    for n, state in enumerate(sorted(STATUSES_IN | STATUSES_OUT), start=1):
        account = MediaAccount.objects.get(pk=base.pk)
        account.pk, account.name, account.platform_id = None, f"账号-{state}", f"p{n}"
        account.status = "normal" if state == "deleted" else state
        coded = state not in {"draft", "add_pending", "add_rejected"}
        account.media_code = f"B11010800{n:02d}" if coded else None
        account.removal = "deleted" if state == "deleted" else ""
        account.removed_at = datetime(2026, 2, 1, tzinfo=SHANGHAI) if state == "deleted" else None
        account.save()
    town = chain["shangzhuang"].filer_unit
    # 主办单位 by id (its text names the town otherwise), by text, unmatched; off for a time, for good.
    make_website(tree["110108"], "按编号", sponsor="上庄镇人民政府", sponsor_filer_unit=town, site_code="1101080001")
    make_website(tree["110108"], "按名称", sponsor="海淀区燕园街道办事处", site_code="1101080002")
    make_website(tree["110108"], "未匹配", sponsor="海淀区某某中心", site_code="1101080003")
    make_website(tree["110108"], "临时下线", sponsor="海淀区上庄镇政府", site_code="1101080004",
                 run_status=RunStatus.TEMP_OFFLINE)
    make_website(tree["110108"], "永久下线", sponsor="海淀区上庄镇政府", site_code="1101080005",
                 run_status=RunStatus.PERMANENT_OFFLINE)
    open_round(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    run_queued_jobs()
    rows = {i.name: i for i in sheet_of("海淀区上庄镇政府").items.all()}
    assert set(rows) == {f"账号-{s}" for s in STATUSES_IN} | {"按编号", "临时下线"}
    assert rows["账号-normal"].subject_state == "" and rows["账号-close_pending"].subject_state == "关停待审核"
    assert rows["账号-modify_rejected"].subject_state == "修改被驳回" and rows["临时下线"].subject_state == "临时下线"
    assert [i.name for i in sheet_of("海淀区燕园街道办事处").items.all()] == ["按名称"]
    county = sheet_of("海淀区").items.get()
    assert county.name == "未匹配" and county.sponsor_unmatched
    # The org unit sees its unmatched site called out on its sheet.
    login(chain["haidian"])
    page = client.get(f"/self-checks/sheets/{sheet_of('海淀区').pk}/").content.decode()
    assert 'data-testid="unmatched"' in page and "主办单位未匹配填报单位" in page
    login(chain["shangzhuang"])
    page = client.get(f"/self-checks/sheets/{sheet_of('海淀区上庄镇政府').pk}/").content.decode()
    assert "关停待审核" in page and "账号-closed" not in page and "永久下线" not in page


# --- the sheet on the engine -----------------------------------------------------------------------

def mark_all(client, sheet, version, **extra):
    data = {"filler_name": "李洋", "filler_phone": "010-62345678", "version": version, **extra}
    for item in sheet.items.filter(unregistered=False):
        data[f"passed_{item.pk}"] = "1"
    return client.post(f"/self-checks/sheets/{sheet.pk}/save/", data)


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_two_tabs_the_second_is_told_the_sheet_was_handled(client, chain, login):
    normal_account(chain, name="上庄发布")
    open_round(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    run_queued_jobs()
    town = sheet_of("海淀区上庄镇政府")
    login(chain["shangzhuang"])
    page = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    assert f'name="version" value="{town.version}"' in page
    stale = town.version
    assert mark_all(client, town, stale).status_code == 302  # tab 1 saves
    response = mark_all(client, town, stale, filler_name="另一人")  # tab 2, the page it showed is old
    assert response.status_code == 409 and "该检查表已被处理" in response.content.decode()
    assert sheet_of("海淀区上庄镇政府").filler_name == "李洋"
    current = sheet_of("海淀区上庄镇政府").version
    response = client.post(f"/self-checks/sheets/{town.pk}/submit/", {"version": stale})
    assert response.status_code == 409 and sheet_of("海淀区上庄镇政府").status == "draft"
    assert client.post(f"/self-checks/sheets/{town.pk}/submit/", {"version": current}).status_code == 302
    # The reviewer in two tabs: accept in one, return in the other.
    login(chain["haidian"])
    version = sheet_of("海淀区上庄镇政府").version
    assert client.post(f"/self-checks/sheets/{town.pk}/accept/", {"version": version}).status_code == 302
    response = client.post(f"/self-checks/sheets/{town.pk}/return/", {"version": version, "reason": "再看看"})
    assert response.status_code == 409 and "该检查表已被处理" in response.content.decode()
    # Buttons come from the engine: the filer sees none now; another unit may never act (403).
    login(chain["shangzhuang"])
    assert 'data-transition="check_submit"' not in client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    login(chain["chaoyang"])
    assert client.post(f"/self-checks/sheets/{town.pk}/accept/").status_code == 403


@time_machine.travel(at(2026, 3, 11), tick=False)
def test_every_transition_and_every_edit_of_a_sheet_is_journaled_old_to_new(client, chain, login):
    normal_account(chain, name="上庄发布")
    open_round(client, login, chain["haidian"], **{"2": "2026-03-20", "filer": "2026-03-17"})
    run_queued_jobs()
    town = sheet_of("海淀区上庄镇政府")
    item = town.items.get()
    login(chain["shangzhuang"])
    page = client.get(f"/self-checks/sheets/{town.pk}/").content.decode()
    assert 'data-transition="check_submit"' in page  # the button from allowed()
    mark_all(client, town, town.version)
    town = sheet_of("海淀区上庄镇政府")
    client.post(f"/self-checks/sheets/{town.pk}/save/", {
        "filler_name": "李洋", "filler_phone": "010-62345678", "version": town.version, f"passed_{item.pk}": "0",
        f"problems_{item.pk}": ["监测时间点前2周无更新"], f"rect_{item.pk}": "已督促更新"})
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/", {"type_label": "抖音", "name": "上庄文旅",
                                                                 "link": "https://www.douyin.com/user/x"})
    extra = town.items.get(unregistered=True)
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/{extra.pk}/", {"rectification": "已提交备案"})
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/", {"type_label": "快手", "name": "误登",
                                                                 "link": "https://www.kuaishou.com/x"})
    wrong = town.items.get(name="误登")
    client.post(f"/self-checks/sheets/{town.pk}/unregistered/{wrong.pk}/delete/")
    client.post(f"/self-checks/sheets/{town.pk}/submit/", {"version": sheet_of("海淀区上庄镇政府").version})
    login(chain["haidian"])
    client.post(f"/self-checks/sheets/{town.pk}/return/", {"reason": "请补充", "version": sheet_of("海淀区上庄镇政府").version})
    login(chain["shangzhuang"])
    client.post(f"/self-checks/sheets/{town.pk}/submit/", {"version": sheet_of("海淀区上庄镇政府").version})
    login(chain["haidian"])
    client.post(f"/self-checks/sheets/{town.pk}/accept/", {"version": sheet_of("海淀区上庄镇政府").version})
    own = sheet_of("海淀区")
    client.post(f"/self-checks/sheets/{own.pk}/save/", {"filler_name": "王区", "filler_phone": "010-88888888",
                                                        "version": own.version})
    client.post(f"/self-checks/sheets/{own.pk}/submit/", {"confirmed": "1", "version": sheet_of("海淀区").version})
    entries = list(JournalEntry.objects.filter(subject_type="checksheet", subject_id=town.pk).order_by("id"))
    assert [e.action for e in entries] == ["check_sheet_edit", "check_sheet_edit", "check_unregistered_add",
                                          "check_unregistered_edit", "check_unregistered_add", "check_unregistered_delete",
                                          "check_submit", "check_return", "check_submit", "check_accept"]
    first, second = entries[0], entries[1]
    assert {"label": "填表人", "old": "", "new": "李洋"}.items() <= first.changes[0].items()
    assert any(c["old"] == "未填写" and c["new"] == "合格" for c in first.changes)
    assert any(c["old"] == "合格" and c["new"] == "不合格" for c in second.changes)
    assert any(c["old"] == "" and c["new"] == "已督促更新" and "整改情况" in c["label"] for c in second.changes)
    assert entries[3].changes[0]["new"] == "已提交备案"
    assert (entries[6].status_before, entries[6].status_after) == ("未报送", "已报送待审核")
    assert (entries[7].status_after, entries[7].reason) == ("已退回", "请补充")
    assert entries[9].status_after == "已审核" and entries[9].actor_unit_code == "110108"
    assert JournalEntry.objects.filter(subject_id=own.pk, subject_type="checksheet", action="check_report_up").exists()
    assert all(e.scope_path == "/GB0000/110000/110108/" for e in entries)


# --- 检查季度 and 通报 --------------------------------------------------------------------------

def report(client, login, user, sheet, passed="1", confirmed="1"):
    login(user)
    sheet = CheckSheet.objects.get(pk=sheet.pk)
    data = {"filler_name": "李洋", "filler_phone": "010-62345678", "version": sheet.version}
    for item in sheet.items.filter(unregistered=False):
        data[f"passed_{item.pk}"] = passed
        data[f"problems_{item.pk}"] = ["其他", "空白栏目", "监测时间点前2周无更新"] if passed == "0" else []
        data[f"other_{item.pk}"] = "说明"
        data[f"rect_{item.pk}"] = "已整改"
    client.post(f"/self-checks/sheets/{sheet.pk}/save/", data)
    sheet = CheckSheet.objects.get(pk=sheet.pk)
    client.post(f"/self-checks/sheets/{sheet.pk}/submit/", {"confirmed": confirmed, "version": sheet.version})
    assert CheckSheet.objects.get(pk=sheet.pk).status == "submitted"


@pytest.fixture
def quarter(client, chain, login, tree):
    """A GB round: 上庄镇 (two rows, one failing) and 海淀区 (its portal) reported, 北京市商务局 (one
    row) reported, 燕园 not; 海淀区 accepted by 北京市."""
    normal_account(chain, name="上庄发布")
    normal_account(chain, "commerce", name="北京商务", account_type="KH", wechat_kind="",
                   url="https://apps.apple.com/cn/app/id1485553352", platform_id="ios:1485553352")
    make_website(tree["110108"], "上庄镇政府网", sponsor="海淀区上庄镇政府", site_code="1101080001")
    make_website(tree["110108"], "海淀区政府网", sponsor="北京市海淀区人民政府", site_code="1101080000")
    with time_machine.travel(at(2026, 3, 11), tick=False):
        open_round(client, login, chain["gb"], **GB_DUES)
        run_queued_jobs()
        report(client, login, chain["shangzhuang"], sheet_of("海淀区上庄镇政府"), passed="0")
        report(client, login, chain["commerce"], sheet_of("北京市商务局"))
        login(chain["haidian"])
        town = sheet_of("海淀区上庄镇政府")
        client.post(f"/self-checks/sheets/{town.pk}/accept/", {"version": town.version})
        report(client, login, chain["haidian"], sheet_of("海淀区"))
    return chain


@time_machine.travel(at(2026, 3, 19), tick=False)
def test_the_per_unit_table_adds_up_to_the_headline_and_the_docx_has_date_and_issuer(client, login, quarter):
    from docx import Document

    from reports.check_overview import subtree_totals, unit_rows

    for user, path in ((quarter["beijing"], "110000"), (quarter["haidian"], "110108"), (quarter["gb"], "GB0000")):
        unit = user.org_unit
        rows = unit_rows(unit, 2026, 1, date(2026, 3, 19))
        totals = subtree_totals(unit, 2026, 1, date(2026, 3, 19))
        for name in ("due", "reported", "overdue", "checked", "failed", "unregistered"):
            assert sum(getattr(r, name) for r in rows) == getattr(totals, name), (path, name)
    haidian = {r.name: r for r in unit_rows(quarter["haidian"].org_unit, 2026, 1, date(2026, 3, 19))}
    assert haidian["海淀区"].kind == "本单位" and haidian["海淀区"].checked == 1  # the county's own portal is a row
    assert (haidian["海淀区上庄镇政府"].checked, haidian["海淀区上庄镇政府"].failed) == (2, 2)
    assert haidian["海淀区燕园街道办事处"].overdue == 1
    beijing = {r.name: r for r in unit_rows(quarter["beijing"].org_unit, 2026, 1, date(2026, 3, 19))}
    assert (beijing["海淀区"].due, beijing["海淀区"].reported, beijing["海淀区"].checked) == (3, 2, 3)
    assert (beijing["北京市商务局"].checked, beijing["北京市"].reported) == (1, 0)
    login(quarter["beijing"])
    html = client.get("/self-checks/2026/1/circular/").content.decode()
    assert "共检查政府网站和政务新媒体 4 个，不合格 2 个，合格率 50.00%" in html
    doc = Document(io.BytesIO(client.get("/self-checks/2026/1/circular/?format=docx").content))
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    table = [r for r in cells if len(r) == 9 and r[0] != "单位名称"]
    assert table[-1][0] == "合计" and sum(int(r[5]) for r in table[:-1]) == int(table[-1][5]) == 4
    assert sum(int(r[6]) for r in table[:-1]) == int(table[-1][6]) == 2
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[-2:] == ["北京市", "2026年3月19日"]  # the issuing unit and the issue date

    from openpyxl import load_workbook

    from reports.circular import overdue_sheets
    from tests.jobs_helpers import download_bytes, job_state

    # 完整名单（.xlsx）: an export job (nothing written inside the request), the file read back.
    started = client.get("/self-checks/2026/1/circular/?format=xlsx")
    assert started.status_code == 302 and "/downloads/" in started.url
    run_queued_jobs()
    state = job_state(client, started.url)
    assert state["status"] == "done", state
    book = load_workbook(io.BytesIO(download_bytes(client, state["download_url"])))
    assert book.sheetnames == ["不合格的网站和新媒体", "未备案账号", "逾期未报送单位"]
    failing = list(book["不合格的网站和新媒体"].iter_rows(values_only=True))
    assert failing[0] == ("填报单位", "类型", "名称", "标识码", "存在的突出问题", "整改情况")
    assert [r[2] for r in failing[1:] if r[2]] == ["上庄发布", "上庄镇政府网"]
    overdue = list(book["逾期未报送单位"].iter_rows(values_only=True))
    assert overdue[0] == ("单位名称", "截止日期", "状态", "逾期天数")
    assert [r[0] for r in overdue[1:] if r[0]] == [s.unit_name for s in overdue_sheets(quarter["beijing"].org_unit, 2026, 1,
                                                                                       date(2026, 3, 19))]
    assert "海淀区燕园街道办事处" in [r[0] for r in overdue[1:]]


@time_machine.travel(at(2026, 3, 19), tick=False)
def test_110000_drills_down_from_counts_to_a_childs_sheets_and_never_outside(client, login, quarter, tree):
    login(quarter["beijing"])
    html = client.get("/self-checks/2026/1/").content.decode()
    assert 'href="?unit=110108"' in html and 'data-testid="overdue-total">1<' in html  # 燕园 (朝阳区 is due 03-20)
    html = client.get("/self-checks/2026/1/?unit=110108").content.decode()
    assert "海淀区 2026年第1季度检查情况" in html and "海淀区燕园街道办事处" in html and "北京市商务局" not in html
    assert client.get("/self-checks/2026/1/?unit=120000").status_code == 403
    login(quarter["tianjin"])
    assert client.get("/self-checks/2026/1/?unit=110108").status_code == 403


@time_machine.travel(at(2026, 3, 19), tick=False)
@pytest.mark.parametrize("who", ["gb", "beijing", "haidian"])
def test_the_quarter_opens_on_the_sheets_the_list_queryset_reads(rf, quarter, who):
    """检查季度 as opened (no filter, no sort) reads its first page by a statement compiled once
    (reports.check_lists.first_sheets): the same sheets, in the same order, as the ORM query of
    the list with its filters, sort and page."""
    from govmedia.common.lists import PAGE_SIZES
    from reports.check_lists import SHEET_LIST, first_sheets

    request = rf.get("/self-checks/2026/1/", {"year": "2026", "quarter": "1"})
    request.user = quarter[who]
    listed, _ = SHEET_LIST.querysets(request)
    for size in PAGE_SIZES[:2]:
        expected = list(listed.order_by(*SHEET_LIST.default_ordering)[:size])
        found = first_sheets(request, size, len(expected))
        assert expected and [s.pk for s in found] == [s.pk for s in expected]
        for mine, theirs in zip(found, expected):
            assert {f: getattr(mine, f) for f in ("unit_name", "status", "due_date", "checked_count")} \
                == {f: getattr(theirs, f) for f in ("unit_name", "status", "due_date", "checked_count")}
            assert mine.get_deferred_fields() == theirs.get_deferred_fields()
            assert mine.supervisor_name == theirs.supervisor_name  # org unit and its parent joined
    filer = rf.get("/self-checks/2026/1/", {"year": "2026", "quarter": "1"})
    filer.user = quarter["shangzhuang"]
    assert first_sheets(filer, 20, 1) is None  # a filer unit's own sheets: through the queryset
    assert first_sheets(request, 20, 2001) is None  # a large list: ids first (page_rows)


def quarter_queries(client, login, user, path="/self-checks/2026/1/"):
    login(user)
    client.get(path)  # warm (session, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(at(2026, 3, 19), tick=False)
def test_the_quarter_page_and_the_circular_do_not_grow_with_the_subtree(client, login, quarter, tree):
    pages = ("/self-checks/2026/1/", "/self-checks/2026/1/circular/")
    before = {p: (quarter_queries(client, login, quarter["gb"], p), quarter_queries(client, login, quarter["haidian"], p))
              for p in pages}
    # Forty more filer units with sheets across the country, half of them reported.
    round_ = CheckRound.objects.get()
    for n in range(40):
        org = tree[("110105", "120101", "130102", "bm2904")[n % 4]]
        filer = make_filer(org, f"新单位{n}", 100 + n)
        CheckSheet.objects.create(round=round_, year=2026, quarter=1, filer_unit=filer, org_unit=org, org_path=org.path,
                                  unit_name=filer.name, due_date=date(2026, 3, 17),
                                  status="accepted" if n % 2 else "draft", own_checked_count=n % 2, checked_count=n % 2)
    for p in pages:
        gb, county = quarter_queries(client, login, quarter["gb"], p), quarter_queries(client, login, quarter["haidian"], p)
        assert (gb, county) == before[p], p
        assert gb <= 14 and county <= 14, (p, gb, county)  # ≤ 12 of its own + the session and the user


# --- reminders -----------------------------------------------------------------------------------

def run_reminders(when):
    from reports.check_services import send_reminders

    with time_machine.travel(when, tick=False):
        count = send_reminders(when.date())
        run_queued_jobs()
    return count


def messages_of(sheet) -> list[str]:
    from notifications.models import Notification

    return list(Notification.objects.filter(link=f"/self-checks/sheets/{sheet.pk}/").order_by("id")
                .values_list("body", flat=True))


def test_reminders_with_the_clock_moved_early_at_once_due_and_every_n_days_overdue(client, chain, login, settings):
    settings.CHECK_OVERDUE_REMIND_EVERY_DAYS = 3
    # Opened at 10:00 (after the 08:30 run), the filers' date tomorrow: the early reminder at once.
    with time_machine.travel(at(2026, 3, 16, 10), tick=False):
        open_round(client, login, chain["haidian"], **{"2": "2026-03-25", "filer": "2026-03-17"})
        run_queued_jobs()
    town, county = sheet_of("海淀区上庄镇政府"), sheet_of("海淀区")
    assert len(messages_of(town)) == 1 and "将于2026-03-17截止（还有 1 天）" in messages_of(town)[0]
    assert messages_of(county) == []  # nine days left: not yet
    assert run_reminders(at(2026, 3, 16, 17)) == 0  # the same day again: nothing
    run_reminders(at(2026, 3, 17, 8, 30))
    assert "今日截止" in messages_of(town)[-1] and len(messages_of(town)) == 2
    for day, count in ((18, 3), (19, 3), (20, 3), (21, 4), (22, 4), (25, 5), (26, 5)):  # overdue 1, 4 and 8 days
        run_reminders(at(2026, 3, day, 8, 30))
        assert len(messages_of(town)) == count, day
    assert [m.split("已逾期 ")[1].split(" 天")[0] for m in messages_of(town)[2:]] == ["1", "4", "8"]
    assert set(SheetReminder.objects.filter(sheet=town).values_list("period", flat=True)) == {
        "early", "due", "overdue0", "overdue1", "overdue2"}
    # The county's own date is 03-25: early on 03-22 (3 days before), on the day, overdue the day after.
    assert [("截止（还有 3 天）" in m, "今日截止" in m, "已逾期 1 天" in m) for m in messages_of(county)] == [
        (True, False, False), (False, True, False), (False, False, True)]
    # A sheet reported is reminded no more.
    login(chain["yanyuan"])
    yanyuan = sheet_of("海淀区燕园街道办事处")
    client.post(f"/self-checks/sheets/{yanyuan.pk}/save/", {"filler_name": "周", "filler_phone": "010-62345679",
                                                            "version": yanyuan.version})
    client.post(f"/self-checks/sheets/{yanyuan.pk}/submit/", {"version": sheet_of("海淀区燕园街道办事处").version})
    sent = len(messages_of(yanyuan))
    run_reminders(at(2026, 3, 29, 8, 30))
    assert len(messages_of(yanyuan)) == sent and len(messages_of(town)) == 6


# --- the table: allowed() offers exactly what apply() accepts -------------------------------------

@time_machine.travel(at(2026, 3, 11), tick=False)
def test_the_sheets_allowed_buttons_are_exactly_what_apply_accepts(client, chain, login):
    from reports.check_workflow import WORKFLOW
    from tests.reviews.test_guards import assert_same

    normal_account(chain, name="上庄发布")
    open_round(client, login, chain["beijing"], **{"1": "2026-03-25", "2": "2026-03-20", "filer": "2026-03-17"})
    run_queued_jobs()
    users = {k: chain[k] for k in ("shangzhuang", "yanyuan", "haidian", "beijing", "chaoyang", "gb", "tianjin")}
    today, failures = date(2026, 3, 11), []
    for name in ("海淀区上庄镇政府", "海淀区"):
        sheet = sheet_of(name)
        for status in CheckSheet.Status.values:
            for header in (True, False):
                for marked in (True, False):
                    for child_waiting in (False, True):
                        for reviewer_reported in (False, True):
                            CheckSheet.objects.filter(pk=sheet.pk).update(
                                status=status, filler_name="李" if header else "", filler_phone="010-1" if header else "")
                            SpotCheckItem.objects.filter(sheet=sheet, unregistered=False).update(passed=True if marked else None)
                            CheckSheet.objects.filter(unit_name="海淀区燕园街道办事处").update(
                                status="submitted" if child_waiting else "draft")
                            CheckSheet.objects.filter(unit_name="海淀区" if name != "海淀区" else "北京市").update(
                                status="submitted" if reviewer_reported else "draft")
                            label = f"{name} · {status} · header={header} marked={marked} waiting={child_waiting} " \
                                    f"reported={reviewer_reported}"
                            assert_same(WORKFLOW, CheckSheet, sheet.pk, users, lambda n: {"reason": "请补充"}, today, label,
                                        failures)
    assert failures == []
