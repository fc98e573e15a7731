"""新媒体账号总数（按状态，近12个月月末）: a history built through the real services with the clock
moved (created, submitted, approved, closed, restored, rejected, abandoned, deleted across
months), and the month-end figures read back exactly — for GB, a province and a foreign one —
from the current counts walked back with one grouped journal query."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts_media import services
from dashboard.panels import PANELS
from tests.accounts_media.conftest import REVIEW_OK, account_data, approve, normal_account, reject, submit
from tests.dashboard.test_dashboard import panel_table, total

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEY = "accounts_by_status_over_time"
NOW = datetime(2026, 3, 15, 10, tzinfo=SHANGHAI)
REQUEST = {"applicant_name": "张经办", "applicant_phone": "13800001111", "reason": "账号停止运营"}


def when(*args):
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


def wb(i):
    return {"account_type": "WB", "wechat_kind": "", "url": f"https://weibo.com/u/{7000 + i}",
            "platform_id": str(7000 + i), "name": f"历史账号{i}"}


@pytest.fixture
def history(chain):
    """Six accounts of 北京市 (海淀区) and one of 天津市 (和平区), through the services:
    F normal before the window, 关停 requested 20 April 2025, closed at 00:30 on 1 May (Beijing: a May move);
    A submitted in November, approved (two levels) in December, closed in January, 恢复 asked in
    February and granted in March; B a draft in October, submitted in January, rejected in February,
    abandoned in March; C approved in December, deleted (退出监管) by GB in February; D a draft in
    January deleted in February (never counted); E (天津) approved in November, 关停 asked in March."""
    sz, gb = chain["shangzhuang"], chain["gb"]
    with when(2025, 3, 10, 10):
        f = normal_account(chain, **wb(6))
    with when(2025, 4, 20, 10):
        f = services.perform(f, "request_close", sz, REQUEST)
    with when(2025, 5, 1, 0, 30):
        f = approve(f, chain["haidian"])
    with when(2025, 10, 8, 10):
        b = services.perform(services.new_account(sz), "save_draft", sz, account_data(**wb(2)))
    with when(2025, 11, 5, 10):
        a = submit(sz, **wb(1))
        e = normal_account(chain, "tianjin_filer", **wb(5))
    with when(2025, 12, 3, 10):
        a = approve(approve(a, chain["haidian"]), chain["beijing"])
        c = normal_account(chain, **wb(3))
    with when(2026, 1, 12, 10):
        a = approve(services.perform(a, "request_close", sz, REQUEST), chain["haidian"])
        b = services.perform(b, "submit", sz, account_data(**wb(2)))
        d = services.perform(services.new_account(sz), "save_draft", sz, account_data(**wb(4)))
    with when(2026, 2, 9, 10):
        a = services.perform(a, "request_restore", chain["beijing"], REQUEST)
        b = reject(b, chain["haidian"])
        services.perform(c, "delete", gb, {"reason": "按正式来函退出监管"})
        services.perform(d, "delete_draft", sz)
    with when(2026, 3, 2, 10):
        a = approve(a, gb, **REVIEW_OK)
        services.perform(b, "abandon_add", sz)
        services.perform(e, "request_close", chain["tianjin_filer"], REQUEST)
    return a


def figures(client, login, user):
    login(user)
    html = client.get("/dashboard/").content.decode()
    headers_html = html.split(f'data-testid="table-{KEY}">')[1].split("</thead>")[0]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', headers_html)[1:]
    table = panel_table(html, KEY)
    by_month = {month: {h: v for h, (v, _) in zip(headers, cells) if v} for month, cells in table}
    return html, table, by_month


EMPTY: dict = {}


def test_the_month_end_figures_follow_the_status_history(client, chain, login, history):
    with time_machine.travel(NOW, tick=False):
        _, table, gb = figures(client, login, chain["gb"])
        assert [month for month, _ in table] == [f"{y}-{m:02d}" for y, m in
                                                  [(2025, m) for m in range(4, 13)] + [(2026, m) for m in (1, 2, 3)]]
        assert gb == {
            "2025-04": {"关停待审核": 1},
            **{f"2025-{m:02d}": {"关停": 1} for m in range(5, 11)},
            "2025-11": {"添加待审核": 1, "正常": 1, "关停": 1},
            "2025-12": {"正常": 3, "关停": 1},
            "2026-01": {"添加待审核": 1, "正常": 2, "关停": 2},
            "2026-02": {"添加被驳回": 1, "正常": 1, "关停": 1, "恢复待审核": 1},
            "2026-03": {"正常": 1, "关停待审核": 1, "关停": 1},
        }
        _, _, beijing = figures(client, login, chain["beijing"])
        assert beijing == {
            "2025-04": {"关停待审核": 1},
            **{f"2025-{m:02d}": {"关停": 1} for m in range(5, 11)},
            "2025-11": {"添加待审核": 1, "关停": 1},
            "2025-12": {"正常": 2, "关停": 1},
            "2026-01": {"添加待审核": 1, "正常": 1, "关停": 2},
            "2026-02": {"添加被驳回": 1, "关停": 1, "恢复待审核": 1},
            "2026-03": {"正常": 1, "关停": 1},
        }
        _, _, tianjin = figures(client, login, chain["tianjin"])
        assert tianjin == {**{f"2025-{m:02d}": EMPTY for m in range(4, 11)},
                           "2025-11": {"正常": 1}, "2025-12": {"正常": 1}, "2026-01": {"正常": 1}, "2026-02": {"正常": 1},
                           "2026-03": {"关停待审核": 1}}


def test_the_current_month_drills_down_to_the_list_and_earlier_months_do_not(client, chain, login, history):
    with time_machine.travel(NOW, tick=False):
        for who in ("gb", "beijing", "haidian", "tianjin"):
            html, table, _ = figures(client, login, chain[who])
            *earlier, (month, current) = table
            assert month == "2026-03"
            assert all(link is None for _, cells in earlier for _, link in cells), who
            linked = [(value, link) for value, link in current if value]
            assert linked, who
            for value, link in linked:
                assert link.startswith("/media/?status=")
                assert total(client.get(link).content.decode()) == value, (who, link)
            # the current month is the 按状态 panel's own figures
            by_status = [cells[0][0] for _, cells in panel_table(html, "accounts_by_status")]
            assert sorted(v for v, _ in linked) == sorted(by_status), who


def test_the_panel_costs_one_query_whatever_the_history(client, chain, login, history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts_media.counts import _bump

    with time_machine.travel(NOW, tick=False):
        login(chain["beijing"])
        client.get("/dashboard/")
        _bump()  # cold: the shared cache of the account scans is for the generation before
        with CaptureQueriesContext(connection) as full:
            client.get("/dashboard/")
        registered = dict(PANELS)
        PANELS.pop(KEY)
        _bump()
        try:
            with CaptureQueriesContext(connection) as without:
                client.get("/dashboard/")
        finally:
            PANELS.clear()
            PANELS.update(registered)  # back in its registration order
    assert len(full) - len(without) == 1
    [journal] = [q["sql"] for q in full.captured_queries if "reviews_journalentry" in q["sql"] and "status_before" in q["sql"]]
    assert "GROUP BY" in journal and "scope_path" in journal


def test_closures_per_month_count_the_approved_closures_in_beijing_months_per_scope(client, chain, login, history):
    """新增与关停's 同意关停 column on the same history: F closed at 00:30 on 1 May 2025 Beijing time
    (30 April in UTC) and A on 12 January 2026, both in 北京市; 天津市's 关停 is only asked."""
    def closures(who):
        login(chain[who])
        table = panel_table(client.get("/dashboard/").content.decode(), "accounts_by_month")
        return {month: cells[1][0] for month, cells in table if cells[1][0]}

    with time_machine.travel(NOW, tick=False):
        assert closures("gb") == closures("beijing") == closures("haidian") == {"2025-05": 1, "2026-01": 1}
        assert closures("tianjin") == {} and closures("chaoyang") == {}
