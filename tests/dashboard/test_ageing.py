"""Review ageing with the clock moved: a request waiting at one unit more than REVIEW_AGEING_DAYS
(7) days is flagged in 待审核, listed for the units above on 超期待审核 (scoped, exportable) and
reminded once a day by the scheduled job."""
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from notifications.models import Notification
from tests.accounts_media.conftest import approve, submit
from tests.factories import make_website
from tests.jobs_helpers import export_all, run_queued_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def total(html):
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


@pytest.fixture
def waiting(chain):
    with time_machine.travel(at(2), tick=False):
        old = submit(chain["shangzhuang"], name="上庄发布")
    with time_machine.travel(at(8), tick=False):
        fresh = submit(chain["yanyuan"], name="燕园发布", url="https://weibo.com/u/22", account_type="WB", wechat_kind="")
    return old, fresh


def test_a_request_older_than_seven_days_is_flagged_in_pending(client, chain, login, waiting):
    old, fresh = waiting
    assert old.reviewer_since == at(2)  # stamped by the engine when it reached 海淀区
    login(chain["haidian"])
    with time_machine.travel(at(9), tick=False):  # 7 days: not yet
        page = client.get("/media/?tab=pending").content.decode()
        assert 'data-testid="overdue"' not in page
    with time_machine.travel(at(10), tick=False):  # 8 days
        page = client.get("/media/?tab=pending").content.decode()
    rows = re.findall(r'<tr class="table-danger">.*?</tr>', page, re.S)
    assert len(rows) == 1 and "上庄发布" in rows[0] and "超期8天" in rows[0]
    assert "燕园发布" in page and "燕园发布" not in rows[0]


def test_the_units_above_list_overdue_requests_of_their_subtree_only(client, chain, login, waiting, tree):
    old, _ = waiting
    with time_machine.travel(at(2), tick=False):
        site = make_website(tree["120101"], "和平区政府网", filing="reviewing", reviewer=tree["120101"])
        site.reviewer_since = at(1)
        site.save()
    with time_machine.travel(at(12), tick=False):
        for who, expected in (("beijing", ["上庄发布"]), ("gb", ["上庄发布"]), ("haidian", ["上庄发布"]),
                              ("chaoyang", []), ("tianjin", [])):
            login(chain[who])
            page = client.get("/dashboard/overdue/").content.decode()
            assert total(page) == len(expected), who
            assert ("上庄发布" in page) == bool(expected), who
        login(chain["beijing"])
        assert total(client.get("/dashboard/overdue/?tab=mine").content.decode()) == 0  # it waits at 海淀区
        assert total(client.get("/dashboard/overdue/?tab=all").content.decode()) == 2  # both waiting requests
        assert total(client.get("/dashboard/overdue/?tab=all&days_from=0&days_to=7").content.decode()) == 1
        assert total(client.get("/dashboard/overdue/?source=website").content.decode()) == 0
        workbook = load_workbook(io.BytesIO(b"".join(client.get("/dashboard/overdue/?export=page").streaming_content)))
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[0] == ("名称", "账号类型", "申请类型", "填报单位", "审核定位", "到达审核单位时间", "等待天数")
        assert rows[1][0] == "上庄发布" and rows[1][4] == "海淀区（110108）" and rows[1][6] == 10
        everything = export_all(client, "/dashboard/overdue/", {"tab": "all"})  # 导出全部: a job of 下载中心
        assert [r[0] for r in everything.active.iter_rows(min_row=2, values_only=True)] == ["上庄发布", "燕园发布"]
        login(chain["tianjin"])
        page = client.get("/dashboard/overdue/?source=website").content.decode()
        assert total(page) == 1 and "和平区政府网" in page and "超期 11 天" in page
        login(chain["heping"])
        page = client.get("/websites/review/").content.decode()
        assert 'data-testid="overdue"' in page and "超期11天" in page
        assert client.get("/dashboard/overdue/?source=nope").status_code == 404


def test_moving_on_restarts_the_wait_at_the_next_unit(client, chain, login, waiting):
    old, _ = waiting
    with time_machine.travel(at(12), tick=False):
        old = approve(old, chain["haidian"])
        assert old.reviewer_since == at(12)
        login(chain["beijing"])
        assert total(client.get("/dashboard/overdue/").content.decode()) == 0


def test_the_daily_job_reminds_each_unit_once_a_day(chain, waiting):
    from django.core import mail
    from django.utils import timezone

    from jobs.schedule import SCHEDULE

    entry = SCHEDULE["review_ageing"]  # daily, on the job queue
    assert entry.func == "dashboard.ageing.remind_overdue" and entry.daily_at.hour == 9
    chain["haidian"].org_unit.contact_email = "gk@haidian.gov.cn"
    chain["haidian"].org_unit.save()
    mail.outbox.clear()
    with time_machine.travel(at(10, 9), tick=False):
        assert entry.call(timezone.now()) == "超期待审核单位 1 个，提醒 1 条"
        assert entry.call(timezone.now()) == "超期待审核单位 1 个，提醒 0 条"  # a rerun the same day: nothing new
        run_queued_jobs()
    assert [m.to for m in mail.outbox] == [["gk@haidian.gov.cn"]]
    reminders = Notification.objects.filter(kind="review_ageing")
    assert [(n.user, n.title) for n in reminders] == [
        (chain["haidian"], "超期待审核：本单位有新媒体账号申请 1 条等待审核已超过 7 天")]
    assert reminders[0].link == "/dashboard/overdue/?tab=mine"
    with time_machine.travel(at(11, 9), tick=False):
        entry.call(timezone.now())
    assert Notification.objects.filter(kind="review_ageing").count() == 2  # the next day: once more
    assert not Notification.objects.filter(kind="review_ageing").exclude(user=chain["haidian"]).exists()
