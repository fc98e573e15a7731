"""Findings reach people and the dashboard: the owner is told in 消息中心 once per finding, and
数据看板's 监测发现问题 panel counts the open findings of the viewer's subtree, each number the
count of the 监测发现 list it opens."""
import re

import pytest

from monitoring import runner
from monitoring.models import Finding, Kind
from notifications.models import Notification
from tests.dashboard.test_dashboard import panel_table
from tests.monitoring.test_runs import make_account, make_site, post_page


def total(html) -> int:
    """The shared list's own count (lists/_pagination.html: 共 N 条)."""
    return int(re.search(r"共 (\d+) 条", html).group(1))


def notes(user, kind="finding"):
    return list(Notification.objects.filter(user=user, kind=kind))


@pytest.fixture
def findings(chain, monitoring):
    """A stale account of 上庄镇 (海淀区), another of 和平区 (天津市), and a 海淀区 website whose
    certificate has expired and one of whose 栏目 links is broken."""
    monitoring.page("/tt/stale", post_page(15))
    monitoring.page("/tt/stale2", post_page(20))
    monitoring.page("/portal/", "<html><footer>京ICP备12345678号 京公网安备 11010802012345号</footer></html>")
    make_account(chain["shangzhuang"].filer_unit, "上庄发布", monitoring.url("/tt/stale"), "A1101080001")
    make_account(chain["tianjin_filer"].filer_unit, "和平发布", monitoring.url("/tt/stale2"), "A1201010001")
    columns = {"互动交流": {"names": "留言", "urls": monitoring.url("/c/missing", "expired")}}
    make_site(chain["haidian"].org_unit, "海淀区政府网", monitoring.url("/portal/", "expired"), "1101080001", columns)


def test_the_owner_is_told_once_per_finding(chain, findings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_now()
    [stale] = notes(chain["shangzhuang"])
    account = Finding.objects.get(account__name="上庄发布")
    assert stale.title == "监测发现问题：上庄发布" and stale.body.startswith("您的账号 上庄发布：已 15 天未更新")
    assert stale.link == f"/media/{account.account_id}/"
    # the website's owner is 海淀区 itself (no filer unit of it is the 主办单位): one message per finding
    site_notes = notes(chain["haidian"])
    site_findings = Finding.objects.filter(website__name="海淀区政府网")
    assert sorted(n.body for n in site_notes) == sorted(f"您的网站 海淀区政府网：{f.detail}" for f in site_findings)
    assert {n.link for n in site_notes} == {f"/websites/review/{site_findings[0].website_id}/"}
    assert {f.kind for f in Finding.objects.filter(website__name="海淀区政府网")} == {Kind.TLS, Kind.COLUMNS}
    # nobody else hears of them
    assert notes(chain["beijing"]) == [] and notes(chain["yanyuan"]) == [] and notes(chain["tianjin"]) == []
    [other] = notes(chain["tianjin_filer"])
    assert other.body.startswith("您的账号 和平发布：已 20 天未更新")

    with django_capture_on_commit_callbacks(execute=True):
        runner.run_now()  # still failing: the same findings, no second message
    assert len(notes(chain["shangzhuang"])) == 1 and len(notes(chain["haidian"])) == 2


def test_the_dashboard_counts_open_findings_per_scope_and_drills_down_to_the_list(client, chain, login, findings):
    runner.run_now()

    def figures(who):
        login(chain[who])
        return panel_table(client.get("/dashboard/").content.decode(), "findings_by_kind")

    gb = {label: [v for v, _ in cells] for label, cells in figures("gb")}
    assert gb == {"HTTPS证书过期": [0, 1], "栏目链接不可用": [0, 1], "监测时间点前2周无更新": [2, 0]}
    for who, expected in (("gb", 4), ("beijing", 3), ("haidian", 3), ("tianjin", 1)):
        rows = figures(who)
        assert sum(v for _, cells in rows for v, _ in cells) == expected, who
        for label, cells in rows:
            for value, link in cells:
                if value:  # a zero is shown without a link
                    assert link and total(client.get(link).content.decode()) == value, (who, label, link)
    login(chain["chaoyang"])
    html = client.get("/dashboard/").content.decode()
    section = re.search(r'data-panel="findings_by_kind">(.*?)</section>', html, re.S).group(1)
    assert "监测发现问题（按类型）" in section and "暂无数据" in section
