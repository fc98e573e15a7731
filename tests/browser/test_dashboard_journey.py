"""数据看板 in the browser, as GB and as 北京市 (110000): the charts are drawn, a click on a bar opens
the filtered list, and the list's count is the number on the dashboard."""
import re

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bar_click(page, key, dataset=0, index=0):
    """Click the bar (or point) `index` of `dataset` of a panel's chart, where Chart.js drew it."""
    canvas = page.locator(f'canvas[data-chart="chart-{key}"]')
    canvas.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([key, d, i]) => { const c = document.querySelector(`canvas[data-chart="chart-${key}"]`).chart;
           const el = c.getDatasetMeta(d).data[i]; const p = el.getCenterPoint ? el.getCenterPoint() : el;
           return [p.x, p.y]; }""", [key, dataset, index])
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def table_cells(page, key):
    return [[c.strip() for c in row.locator("th, td").all_text_contents()]  # the tables open folded (issue 30)
            for row in page.get_by_test_id(f"table-{key}").locator("tbody tr").all()]


def test_gb_and_beijing_read_their_dashboards_and_drill_down_to_the_lists(page):
    from accounts_media.services import create_many
    from tests.accounts_media.conftest import account_data

    tree = make_small_tree()
    for code in ("GB0000", "110000"):
        make_org_user(tree[code])
    haidian = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    tianjin = make_filer(tree["120101"], "和平区教育局", 1).user
    create_many(haidian, "submit", [account_data(account_type="WB", wechat_kind="", url=f"https://weibo.com/u/{i}",
                                                 platform_id=str(i), name=f"上庄微博{i}") for i in range(1, 4)])
    create_many(tianjin, "submit", [account_data(account_type="DY", wechat_kind="", url=f"https://www.douyin.com/user/{i}",
                                                 platform_id=f"dy{i}", name=f"和平抖音{i}") for i in range(1, 3)])
    create_many(tianjin, "save_draft", [account_data(account_type="WB", wechat_kind="", url="https://weibo.com/u/99",
                                                     platform_id="99", name="未提交的")])

    for username, expected_types in (("GB0000", [["新浪微博", "3"], ["抖音", "2"]]), ("110000", [["新浪微博", "3"]])):
        log_in(page, "组织单位", username, PASSWORD)
        page.wait_for_url("**/media/")
        page.get_by_role("link", name="数据看板").click()
        page.wait_for_url("**/dashboard/")
        assert page.get_by_role("heading", name=re.compile("数据看板")).is_visible()
        drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].filter(c => c.chart).length")
        assert drawn >= 5  # every panel with data is a Chart.js chart …
        assert page.get_by_text("新媒体账号总数（按状态，近12个月月末）").first.is_visible()  # status over time, drawn too
        assert page.evaluate("() => !!document.querySelector('canvas[data-chart=\"chart-accounts_by_status_over_time\"]').chart")
        types = table_cells(page, "accounts_by_type")
        assert sorted(types) == sorted(expected_types)  # … and a table beside it
        # click the first bar of 按类型: the 新媒体账号信息 list filtered by that type
        label, figure = types[0]
        bar_click(page, "accounts_by_type")
        page.wait_for_url("**/media/?account_type=*")
        assert page.locator("#id_account_type option:checked").inner_text().strip() == label
        assert re.search(r"共 (\d+) 条记录", page.content()).group(1) == figure
        # 待审核 by the unit where it waits: the 超期待审核 page's 全部待审核, filtered by that unit
        page.go_back()
        page.wait_for_url("**/dashboard/")
        waiting = table_cells(page, "pending_by_unit")
        bar_click(page, "pending_by_unit")
        page.wait_for_url("**/dashboard/overdue/?*reviewer=*")
        assert page.get_by_test_id("total").inner_text() == f"共 {waiting[0][1]} 条记录"
        page.get_by_role("button", name="退出").click()
        page.wait_for_url("**/")
