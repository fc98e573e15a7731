"""数据看板: panels per scope (GB the country, L1 its province, an org unit its subtree), every
number equal to the list it drills down to, tables exported, a bounded number of queries."""
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from dashboard.panels import PANELS, Table, panel, panels_for
from tests.accounts_media.conftest import approve, normal_account, submit
from tests.factories import make_filer, make_website

SHANGHAI = ZoneInfo("Asia/Shanghai")
WB = {"account_type": "WB", "wechat_kind": ""}


def total(html):
    return int(re.search(r"共 (\d+) 条记录", html).group(1))


def panel_table(html, key):
    """The accessible table of a panel: [(label, [(value, link or None)])]."""
    table = re.search(rf'data-testid="table-{key}">(.*?)</table>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr><th scope=\"row\"[^>]*>(.*?)</th>(.*?)</tr>", table, re.S):
        cells = [(int(v) if v.isdigit() else v, link.replace("&amp;", "&") or None) for link, v in
                 re.findall(r'<td>(?:<a href="([^"]*)" data-drill>)?([^<]*)(?:</a>)?</td>', row[1])]
        rows.append((row[0], cells))
    return rows


@pytest.fixture
def registry(chain, tree):
    """Accounts in 海淀区 and 朝阳区 (北京市) and in 和平区 (天津市), in several statuses."""
    n = iter(range(100))

    def wb(**extra):
        i = next(n)
        return {**WB, "url": f"https://weibo.com/u/{1000 + i}", "platform_id": str(1000 + i), "name": f"账号{i}", **extra}

    chaoyang_filer = make_filer(tree["110105"], "朝阳区文旅局").user
    with time_machine.travel(datetime(2026, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        normal_account(chain)  # a WX account of 海淀区
        normal_account(chain, "yanyuan", **wb())
        normal_account(chain, "tianjin_filer", **wb())
    with time_machine.travel(datetime(2026, 2, 10, 10, tzinfo=SHANGHAI), tick=False):
        submit(chain["shangzhuang"], **wb())                       # waits at 海淀区
        approve(submit(chain["yanyuan"], **wb()), chain["haidian"])  # waits at 北京市
        submit(chaoyang_filer, **wb())                               # waits at 朝阳区
        submit(chain["tianjin_filer"], **wb())                       # waits at 和平区
    return chaoyang_filer


def test_every_number_on_the_dashboard_is_the_count_of_the_list_it_opens(client, chain, login, registry):
    with time_machine.travel(datetime(2026, 2, 20, 10, tzinfo=SHANGHAI), tick=False):
        for who in ("gb", "beijing", "haidian", "tianjin"):
            login(chain[who])
            html = client.get("/dashboard/").content.decode()
            checked = 0
            for key in ("accounts_by_type", "accounts_by_status", "accounts_by_level", "accounts_by_month",
                        "accounts_by_type_over_time", "accounts_by_level_over_time", "pending_by_age", "pending_by_unit"):
                for label, cells in panel_table(html, key):
                    for value, link in cells:
                        if link:
                            assert total(client.get(link).content.decode()) == value, (who, key, label, link)
                            checked += 1
            assert checked >= 5, who


def test_each_scope_sees_its_subtree_only(client, chain, login, registry):
    def figures(who, key):
        login(chain[who])
        return {label: [v for v, _ in cells] for label, cells in panel_table(client.get("/dashboard/").content.decode(), key)}

    with time_machine.travel(datetime(2026, 2, 20, 10, tzinfo=SHANGHAI), tick=False):
        assert figures("gb", "accounts_by_status") == {"添加待审核": [4], "正常": [3]}
        assert figures("beijing", "accounts_by_status") == {"添加待审核": [3], "正常": [2]}
        assert figures("tianjin", "accounts_by_status") == {"添加待审核": [1], "正常": [1]}
        # two units side by side: 海淀区 and 朝阳区 see their own figures, never the other's
        assert figures("haidian", "accounts_by_status") == {"添加待审核": [2], "正常": [2]}
        assert figures("chaoyang", "accounts_by_status") == {"添加待审核": [1]}
        # columns: 新媒体账号, 政府网站, 网站下线申请
        assert figures("haidian", "pending_by_unit") == {"海淀区（110108）": [1, 0, 0], "北京市（110000）": [1, 0, 0]}
        assert figures("chaoyang", "pending_by_unit") == {"朝阳区（110105）": [1, 0, 0]}
        assert figures("beijing", "pending_by_unit") == {"北京市（110000）": [1, 0, 0], "海淀区（110108）": [1, 0, 0],
                                                         "朝阳区（110105）": [1, 0, 0]}
        assert figures("gb", "accounts_by_type") == {"微信公众号": [1], "新浪微博": [6]}
        assert figures("gb", "accounts_by_level") == {"市级、垂管省局": [7]}
        assert total(client.get("/media/?level=2").content.decode()) == 7  # the level filter the panel opens
        assert total(client.get("/media/?level=1").content.decode()) == 0
        assert total(client.get("/media/?level=2&org1=110000").content.decode()) == 5
        assert figures("beijing", "accounts_by_month")["2026-01"] == [2, 0]
        assert figures("beijing", "accounts_by_month")["2026-02"] == [3, 0]
        # month-end totals by type: 北京市 had 1 微信 + 1 微博 at the end of January, 1 + 4 at the end of February
        over_time = figures("beijing", "accounts_by_type_over_time")
        assert over_time["2025-12"] == [0, 0] and over_time["2026-01"] == [1, 1] and over_time["2026-02"] == [1, 4]
        assert figures("gb", "accounts_by_level_over_time")["2026-02"] == [7]  # every account here is at 市级
        assert figures("gb", "pending_by_age")["7–13天（超期）"] == [4, 0, 0]
        html = client.get("/dashboard/").content.decode()
        assert "超期待审核（在同一审核单位等待超过 7 天）：新媒体账号 4 条、政府网站 0 条、网站下线申请 0 条" in html


def test_spot_check_pass_rates_for_gb_and_l1_only(client, chain, login, tree):
    from reports.models import SpotCheckReport

    SpotCheckReport.objects.create(org_unit=tree["110000"], kind="media", year=2026, quarter=1, checked_count=20,
                                   failed_count=5, status=SpotCheckReport.Status.SUBMITTED)
    SpotCheckReport.objects.create(org_unit=tree["120000"], kind="media", year=2026, quarter=1, checked_count=30,
                                   failed_count=0, status=SpotCheckReport.Status.SUBMITTED)
    SpotCheckReport.objects.create(org_unit=tree["120000"], kind="website", year=2026, quarter=1, checked_count=10,
                                   failed_count=10)  # a draft: not counted
    login(chain["gb"])
    [(label, cells)] = panel_table(client.get("/dashboard/").content.decode(), "spot_check_rates")
    assert label == "2026年第1季度" and [v for v, _ in cells] == ["90.0", "—", 50, 0]
    assert cells[0][1] == "/spot-checks/overview/?year=2026&quarter=1&kind=media"
    login(chain["beijing"])
    [(_, cells)] = panel_table(client.get("/dashboard/").content.decode(), "spot_check_rates")
    assert [v for v, _ in cells] == ["75.0", "—", 20, 0]
    login(chain["haidian"])
    assert 'data-panel="spot_check_rates"' not in client.get("/dashboard/").content.decode()


def test_each_panel_and_the_whole_dashboard_export_as_xlsx(client, chain, login, registry):
    login(chain["beijing"])
    html = client.get("/dashboard/").content.decode()
    response = client.get("/dashboard/?export=accounts_by_status")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [("状态", "账号数")] + [(label, cells[0][0]) for label, cells in panel_table(html, "accounts_by_status")]
    workbook = load_workbook(io.BytesIO(client.get("/dashboard/?export=all").content))
    assert len(workbook.sheetnames) == len([p for p in PANELS.values() if p.access.admits(chain["beijing"].role)])
    assert client.get("/dashboard/?export=spot_check_rates_x").status_code == 404
    login(chain["haidian"])
    assert client.get("/dashboard/?export=spot_check_rates").status_code == 404  # not a panel of an org unit


def test_the_page_costs_the_same_queries_whatever_the_data(client, chain, login, registry, tree):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    login(chain["gb"])
    client.get("/dashboard/")
    cache.clear()  # nothing kept: every panel counted afresh (cold)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dashboard/").status_code == 200
    for i in range(12):
        normal_account(chain, "tianjin_filer", **WB, url=f"https://weibo.com/u/{5000 + i}", platform_id=str(5000 + i),
                       name=f"批量{i}")
        submit(chain["shangzhuang"], **WB, url=f"https://weibo.com/u/{6000 + i}", platform_id=str(6000 + i),
               name=f"待审{i}")
    for i, code in enumerate(("110108", "120101")):  # 下线申请 waiting: the third source of the 待审核 panels
        make_website(tree[code], f"下线网站{i}", filing="done", offline_state="pending", offline_kind="permanent",
                     offline_reviewer=tree[code], offline_reviewer_since=timezone.now())
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dashboard/").status_code == 200
    assert len(many) == len(few) and len(many) <= 22
    aggregates = [q["sql"] for q in many.captured_queries if "GROUP BY" in q["sql"] or "COUNT(" in q["sql"]]
    assert len(aggregates) >= 7
    shared = [q["sql"] for q in many.captured_queries if "REPLACE(" in q["sql"] or "reviews_journalentry" in q["sql"]]
    assert len(shared) == 3  # the accounts' breakdown, the closures per month, the status moves
    waiting = [q["sql"] for q in many.captured_queries if "reviewer_since" in q["sql"] and "GROUP BY" in q["sql"]]
    assert len(waiting) == 1  # the three sources by age bucket, side by side (dashboard/waiting.py)
    # Until the next change every panel comes rendered from the shared cache, per scope: no figure
    # is counted again (the waiting requests' ages are exact until the next bucket edge: dashboard/waiting.py).
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/dashboard/").status_code == 200
    assert not [q["sql"] for q in warm.captured_queries if "GROUP BY" in q["sql"] or "COUNT(" in q["sql"]
                or "reviews_journalentry" in q["sql"]]
    assert len(warm) <= 4  # the session, the user, and what the layout reads


def test_account_panels_are_kept_rendered_until_an_account_changes(client, chain, login, registry):
    """Every panel comes rendered from the cache, in one get_many; the next change of an account (a
    new generation) renders the account panels again with the new figures."""
    from django.core.cache import cache

    login(chain["gb"])
    cold = client.get("/dashboard/").content.decode()
    kept = [p.key for p in panels_for(chain["gb"]) if p.kept]
    assert len(kept) == len(panels_for(chain["gb"])) == 12
    reads = []
    original = cache.get_many
    cache.get_many = lambda keys, *a, **kw: reads.append(list(keys)) or original(keys, *a, **kw)
    try:
        warm = client.get("/dashboard/").content.decode()
    finally:
        cache.get_many = original
    fragments = [keys for keys in reads if any(key.startswith("dashboard:html:") for key in keys)]
    assert len(fragments) == 1 and len(fragments[0]) == len(kept)  # one round trip for every panel
    assert panel_table(warm, "accounts_by_type") == panel_table(cold, "accounts_by_type")
    weibo_before = dict(panel_table(warm, "accounts_by_type"))["新浪微博"][0][0]
    normal_account(chain, "tianjin_filer", **WB, url="https://weibo.com/u/7777", platform_id="7777", name="新增一个")
    after = client.get("/dashboard/").content.decode()
    assert dict(panel_table(after, "accounts_by_type"))["新浪微博"][0][0] == weibo_before + 1


def test_a_panel_is_one_registry_entry(client, chain, login):
    @panel("test_panel", "测试面板")
    def test_panel(viewer):
        return Table(["类型", "数量"], [["甲", 3]], [["/media/"]])

    try:
        login(chain["haidian"])
        html = client.get("/dashboard/").content.decode()
        assert "测试面板" in html and panel_table(html, "test_panel") == [("甲", [(3, "/media/")])]
    finally:
        PANELS.pop("test_panel")
