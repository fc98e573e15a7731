"""Review ageing of the websites' 下线申请 (decision 0031), clock moved: the engine stamps
`offline_reviewer_since` when a request reaches a unit; an offline request waiting more than
REVIEW_AGEING_DAYS (7) days is red on 下线审核, listed on 超期待审核 for its unit and the units above
(never a foreign subtree), counted on 数据看板 with the same numbers as the list, and reminded
once a day; approving it up a level restarts the clock at the next unit."""
import importlib
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from notifications.models import Notification
from tests.dashboard.test_dashboard import panel_table
from tests.factories import make_website
from tests.jobs_helpers import export_all
from tests.websites.test_websites import _done_site
from websites import services
from websites.models import Offline, Website
from websites.offline import OFFLINE_WORKFLOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFLINE_PAGE = "/websites/offline-reviews/"


def at(day, hour=10):
    return datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def total(html):
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


def act(site, action, user, data=None):
    services.offline_action(site, action, user, data)
    return Website.objects.get(pk=site.pk)


def request_offline(site, kind="permanent"):
    data = {"kind": kind, "offline_from": date(2026, 3, 25), "reason": "网站整合"}
    if kind == "temporary":
        data["offline_until"] = date(2026, 4, 10)
    return OFFLINE_WORKFLOW.apply(site, "request_offline", site.operator_user, data)


@pytest.fixture
def waiting(chain):
    """海淀区人民政府网 (a site of 海淀区) asked to go offline on 2 March: it waits at 海淀区."""
    with time_machine.travel(at(1), tick=False):
        site = _done_site(chain)
    with time_machine.travel(at(2), tick=False):
        return request_offline(site)


@pytest.fixture
def foreign(tree):
    """和平区政府网 (天津市) waiting for its 下线审核 at 和平区 since 1 March."""
    return make_website(tree["120101"], "和平区政府网", filing="done", site_code="1201010001", offline_state=Offline.PENDING,
                        offline_kind="permanent", offline_reviewer=tree["120101"], offline_reviewer_since=at(1))


def test_the_engine_stamps_the_request_and_offline_reviews_flags_it_when_overdue(client, chain, login, waiting):
    assert OFFLINE_WORKFLOW.waiting == ("offline_reviewer", "offline_reviewer_since")
    assert (waiting.offline_reviewer.code, waiting.offline_reviewer_since) == ("110108", at(2))
    login(chain["haidian"])
    with time_machine.travel(at(9), tick=False):  # 7 days: not yet
        page = client.get(OFFLINE_PAGE).content.decode()
        assert "海淀区人民政府网" in page and 'data-testid="overdue"' not in page and "table-danger" not in page
    with time_machine.travel(at(10), tick=False):  # 8 days
        page = client.get(OFFLINE_PAGE).content.decode()
    rows = re.findall(r'<tr class="table-danger">.*?</tr>', page, re.S)
    assert len(rows) == 1 and "海淀区人民政府网" in rows[0] and "超期8天" in rows[0]


def test_overdue_offline_requests_are_listed_for_the_unit_and_above_only(client, chain, login, waiting, foreign):
    with time_machine.travel(at(12), tick=False):
        for who, expected in (("haidian", "海淀区人民政府网"), ("beijing", "海淀区人民政府网"), ("gb", None),
                              ("chaoyang", ""), ("tianjin", "和平区政府网"), ("heping", "和平区政府网")):
            login(chain[who])
            page = client.get("/dashboard/overdue/?source=offline").content.decode()
            if expected is None:  # GB: the whole country, both
                assert total(page) == 2 and "海淀区人民政府网" in page and "和平区政府网" in page
                continue
            assert total(page) == (1 if expected else 0), who
            assert ("海淀区人民政府网" in page) == (expected == "海淀区人民政府网"), who
            assert ("和平区政府网" in page) == (expected == "和平区政府网"), who
        login(chain["haidian"])
        page = client.get("/dashboard/overdue/?source=offline&tab=mine").content.decode()
        assert total(page) == 1 and "超期 10 天" in page
        assert f'href="{OFFLINE_PAGE}">下线审核</a>' in page  # it waits here: the page that decides it
        assert f'href="/websites/review/{waiting.pk}/"' in page
        login(chain["beijing"])
        page = client.get("/dashboard/overdue/?source=offline").content.decode()
        assert f'href="{OFFLINE_PAGE}"' not in page.split('data-testid="total"')[1]  # not at 北京市: 查看 only
        assert total(client.get("/dashboard/overdue/?source=offline&tab=mine").content.decode()) == 0
        assert total(client.get("/dashboard/overdue/?source=offline&reviewer=110108").content.decode()) == 1
        assert total(client.get("/dashboard/overdue/?source=offline&tab=all&days_from=0&days_to=7").content.decode()) == 0
        assert total(client.get("/dashboard/overdue/?source=offline&offline_kind=temporary").content.decode()) == 0
        assert total(client.get("/dashboard/overdue/?source=website").content.decode()) == 0  # not a 申报 request
        assert "网站下线申请" in client.get("/dashboard/overdue/").content.decode()  # the source's tab
        workbook = load_workbook(io.BytesIO(b"".join(
            client.get("/dashboard/overdue/?source=offline&export=page").streaming_content)))
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[0] == ("网站名称", "网站标识码", "下线类型", "下线日期", "网站组织单位", "审核定位", "到达审核单位时间", "等待天数")
        assert rows[1][0] == "海淀区人民政府网" and rows[1][2:4] == ("永久下线", "2026-03-25")
        assert rows[1][5:] == ("海淀区（110108）", "2026-03-02 10:00", 10)
        everything = export_all(client, "/dashboard/overdue/", {"tab": "all", "source": "offline"})  # 导出全部: a job
        assert [r[0] for r in everything.active.iter_rows(min_row=2, values_only=True)] == ["海淀区人民政府网"]


def test_the_panels_count_offline_requests_as_the_list_they_open(client, chain, login, waiting, foreign):
    with time_machine.travel(at(12), tick=False):
        for who, unit_row in (("beijing", {"海淀区（110108）": [0, 0, 1]}), ("tianjin", {"和平区（120101）": [0, 0, 1]}),
                              ("gb", {"海淀区（110108）": [0, 0, 1], "和平区（120101）": [0, 0, 1]})):
            login(chain[who])
            html = client.get("/dashboard/").content.decode()
            by_unit = panel_table(html, "pending_by_unit")
            assert {label: [v for v, _ in cells] for label, cells in by_unit} == unit_row, who
            by_age = dict(panel_table(html, "pending_by_age"))
            overdue = len(unit_row)
            assert [v for v, _ in by_age["7–13天（超期）"]] == [0, 0, overdue], who
            assert f"新媒体账号 0 条、政府网站 0 条、网站下线申请 {overdue} 条" in html
            checked = 0
            for label, cells in by_unit + list(by_age.items()):
                value, link = cells[2]  # the 网站下线申请 column drills into the offline list (a 0 is no link)
                if value:
                    assert "source=offline" in link
                    assert total(client.get(link).content.decode()) == value, (who, label, link)
                    checked += 1
            assert checked == len(unit_row) + 1  # each unit's bar and the 超期 bucket


def test_the_daily_job_reminds_the_unit_once_a_day(chain, waiting):
    from django.utils import timezone

    from jobs.schedule import SCHEDULE

    entry = SCHEDULE["review_ageing"]
    with time_machine.travel(at(10, 9), tick=False):
        assert entry.call(timezone.now()) == "超期待审核单位 1 个，提醒 1 条"
        assert entry.call(timezone.now()) == "超期待审核单位 1 个，提醒 0 条"  # a rerun the same day: nothing new
    reminders = Notification.objects.filter(kind="review_ageing")
    assert [(n.user, n.title, n.link) for n in reminders] == [
        (chain["haidian"], "超期待审核：本单位有网站下线申请 1 条等待审核已超过 7 天", "/dashboard/overdue/?tab=mine&source=offline")]
    with time_machine.travel(at(11, 9), tick=False):
        entry.call(timezone.now())
    assert Notification.objects.filter(kind="review_ageing").count() == 2  # the next day: once more


def test_approving_up_a_level_restarts_the_clock_and_deciding_stops_it(client, chain, login, waiting):
    with time_machine.travel(at(12), tick=False):
        site = act(waiting, "approve_offline", chain["haidian"])
        assert (site.offline_reviewer.code, site.offline_reviewer_since) == ("110000", at(12))
        login(chain["beijing"])
        assert total(client.get("/dashboard/overdue/?source=offline").content.decode()) == 0
        assert total(client.get("/dashboard/overdue/?source=offline&tab=all").content.decode()) == 1
        assert 'data-testid="overdue"' not in client.get(OFFLINE_PAGE).content.decode()
    with time_machine.travel(at(20), tick=False):  # 8 days at 北京市
        login(chain["beijing"])  # a new session: the last one has expired
        page = client.get(OFFLINE_PAGE).content.decode()
        assert "超期8天" in page
        services.offline_action(site, "reject_offline", chain["beijing"], {"reason": "请先完成内容迁移"})
    site.refresh_from_db()
    assert (site.offline_state, site.offline_reviewer, site.offline_reviewer_since) == (Offline.NONE, None, None)


def test_an_emergency_offline_that_cancels_a_temporary_request_stops_its_clock(chain, waiting):
    with time_machine.travel(at(3), tick=False):
        site = request_offline(act(waiting, "reject_offline", chain["haidian"], {"reason": "改为临时下线"}), kind="temporary")
        assert site.offline_reviewer_since == at(3)
        services.offline_action(site, "emergency_offline", chain["gb"], {"offline_until": date(2026, 3, 30),
                                                                          "reason": "安全事件"})
    site.refresh_from_db()
    assert (site.run_status, site.offline_state, site.offline_reviewer, site.offline_reviewer_since) == (
        "emergency_offline", Offline.NONE, None, None)


def test_a_subtree_move_re_seats_the_request_without_restarting_its_clock(chain, tree, waiting):
    from orgtree.services import move_org_unit

    with time_machine.travel(at(4), tick=False):
        site = act(waiting, "approve_offline", chain["haidian"])  # now at 北京市
    with time_machine.travel(at(6), tick=False):
        move_org_unit(tree["110108"], tree["120000"])  # 海淀区 hung under 天津市
    site.refresh_from_db()
    assert (site.offline_reviewer.code, site.offline_reviewer_since) == ("120000", at(4))


def test_the_migration_backfills_the_requests_waiting_now(chain, tree, waiting, foreign):
    from django.apps import apps
    from django.utils import timezone

    from reviews.models import JournalEntry

    with time_machine.travel(at(4), tick=False):
        act(waiting, "approve_offline", chain["haidian"])
    Website.objects.update(offline_reviewer_since=None)
    approved = JournalEntry.objects.get(subject_type="website", subject_id=waiting.pk, action="approve_offline")
    migration = importlib.import_module("websites.migrations.0006_offline_reviewer_since")
    before = timezone.now()
    migration.backfill(apps, None)
    assert Website.objects.get(pk=waiting.pk).offline_reviewer_since == approved.at == at(4)
    assert Website.objects.get(pk=foreign.pk).offline_reviewer_since >= before  # no journal entry: from now
    assert not Website.objects.filter(offline_reviewer__isnull=True, offline_reviewer_since__isnull=False).exists()


def test_each_unit_the_request_reaches_is_told_of_the_offline_request(chain, waiting):
    def told(unit_key):
        return list(Notification.objects.filter(user=chain[unit_key], kind="review_waiting", title__contains="下线")
                    .values_list("title", "link"))

    expected = [("待审核：政府网站“海淀区人民政府网”下线申请", OFFLINE_PAGE)]
    assert told("haidian") == expected and told("beijing") == []
    with time_machine.travel(at(3), tick=False):
        act(waiting, "approve_offline", chain["haidian"])
    assert told("beijing") == expected and len(told("haidian")) == 1
