"""Findings reach people and the dashboard: the owner is told in 消息中心 once per finding (a
digest when one chunk opens many findings of one unit), in a fixed number of queries per chunk
with one delivery task; and 数据看板's 监测发现问题 panel counts the open findings of the viewer's
subtree, each number the count of the 监测发现 list it opens."""
import re
from datetime import timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from monitoring import runner
from monitoring.models import Finding, Kind
from notifications.models import Delivery, Notification
from tests.dashboard.test_dashboard import panel_table
from tests.factories import make_user
from tests.monitoring.test_runs import make_account, make_site, post_page

SERIAL = count(1)


def total(html) -> int:
    """The shared list's own count (its pagination: 共 N 条)."""
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


# --- one chunk's findings at once ------------------------------------------------------------------

@pytest.fixture
def owners(chain, tree):
    """Owners that want more than 站内: 上庄镇 by SMS, 海淀区 by e-mail (its 电子邮箱)."""
    tree["110108"].contact_email = "gk@haidian.gov.cn"
    tree["110108"].save()
    for who, channels in (("shangzhuang", ["site", "sms"]), ("haidian", ["site", "email"])):
        chain[who].preferences = {"notifications": {"finding": channels}}
        chain[who].save()
    return chain


def account_finding(filer_unit, kind=Kind.ACCOUNT_LINK) -> Finding:
    n = next(SERIAL)
    account = make_account(filer_unit, f"账号{n}", f"https://example.cn/a/{n}", f"A{n:010d}")
    now = timezone.now()
    return Finding.objects.create(account=account, kind=kind, detail="账号链接无法访问（HTTP 404）", first_seen=now,
                                  last_seen=now)


def site_findings(org, kinds=(Kind.HOMEPAGE,), operator=False, **fields) -> list[Finding]:
    n = next(SERIAL)
    if operator:
        fields["operator_user"] = make_user(f"site{n}", User.Kind.SITE)
    site = make_site(org, f"网站{n}", f"https://w{n}.example.gov.cn/", f"{n:010d}", **fields)
    now = timezone.now()
    return [Finding.objects.create(website=site, kind=kind, detail="首页无法访问", first_seen=now, last_seen=now)
            for kind in kinds]


def four_owners(chain, n) -> list[Finding]:
    """n findings cycling over four owners: an account of 上庄镇, one of 北京市商务局, a 海淀区 website
    with its operator login (owner 海淀区), a website whose 主办单位 is 燕园街道 (owner 燕园街道)."""
    makers = [
        lambda: [account_finding(chain["shangzhuang"].filer_unit)],
        lambda: [account_finding(chain["commerce"].filer_unit)],
        lambda: site_findings(chain["haidian"].org_unit, operator=True),
        lambda: site_findings(chain["haidian"].org_unit, sponsor="海淀区燕园街道办事处"),
    ]
    return [f for i in range(n) for f in makers[i % 4]()]


def keys(user) -> set[str]:
    return set(Notification.objects.filter(user=user, kind="finding").values_list("dedupe_key", flat=True))


def announce_counted(findings) -> int:
    with CaptureQueriesContext(connection) as queries:
        runner.announce([f.pk for f in findings])
    return len(queries)


def test_a_chunk_is_announced_in_the_same_queries_for_5_or_50_findings_with_one_delivery_task(owners):
    chain = owners
    small, large = four_owners(chain, 5), four_owners(chain, 50)
    tasks = DBTaskResult.objects.count()
    few = announce_counted(small)
    assert DBTaskResult.objects.count() == tasks + 1  # one delivery task for the chunk
    many = announce_counted(large)
    assert DBTaskResult.objects.count() == tasks + 2
    assert many == few and few <= 12, (few, many)

    # each owner gets exactly its findings, one message per finding
    def of(predicate):
        return {f"finding:{f.pk}" for f in small + large if predicate(f)}

    def accounts_of(who):
        return of(lambda f: f.account_id and f.account.filer_unit_id == chain[who].filer_unit_id)
    assert keys(chain["shangzhuang"]) == accounts_of("shangzhuang") and len(accounts_of("shangzhuang")) == 15
    assert keys(chain["commerce"]) == accounts_of("commerce") and len(accounts_of("commerce")) == 14
    assert keys(chain["haidian"]) == of(lambda f: f.website_id and f.website.operator_user_id)
    assert keys(chain["yanyuan"]) == of(lambda f: f.website_id and f.website.sponsor == "海淀区燕园街道办事处")
    for f in small + large:
        if f.website_id and f.website.operator_user_id:  # the operator login: its own site's finding
            assert keys(f.website.operator_user) == {f"finding:{f.pk}"}
    for foreign in ("beijing", "chaoyang", "tianjin", "tianjin_filer", "heping", "gb"):
        assert keys(chain[foreign]) == set(), foreign
    # the message per finding per user, as before; delivery as chosen
    f = small[0]
    [note] = Notification.objects.filter(user=chain["shangzhuang"], dedupe_key=f"finding:{f.pk}")
    assert note.title == f"监测发现问题：{f.account.name}" and note.body == f"您的账号 {f.account.name}：账号链接无法访问（HTTP 404）"
    assert note.link == f"/media/{f.account_id}/" and note.sms_state == Delivery.PENDING
    assert {n.email_state for n in Notification.objects.filter(user=chain["haidian"])} == {Delivery.PENDING}

    # a rerun of the announcement sends nothing new, and enqueues nothing
    before = Notification.objects.count()
    runner.announce([f.pk for f in small + large])
    assert Notification.objects.count() == before and DBTaskResult.objects.count() == tasks + 2


def test_a_unit_with_many_findings_in_one_chunk_gets_one_digest(client, login, owners, settings):
    chain = owners
    settings.NOTIFY_FINDING_DIGEST_OVER = 20
    stale = [account_finding(chain["shangzhuang"].filer_unit, Kind.ACCOUNT_UPDATE) for _ in range(5)]
    broken = [account_finding(chain["shangzhuang"].filer_unit) for _ in range(20)]
    sites = [f for _ in range(11) for f in site_findings(chain["haidian"].org_unit, (Kind.TLS, Kind.COLUMNS), operator=True)]
    few = [account_finding(chain["commerce"].filer_unit) for _ in range(20)]  # 20: not more than 20, one each
    for f in stale:
        f.data = {"latest": (timezone.localdate() - timedelta(days=15)).isoformat()}
        f.save()
    runner.announce([f.pk for f in stale + broken + sites + few])

    [digest] = Notification.objects.filter(user=chain["shangzhuang"])
    assert digest.title == "监测发现问题：本单位 25 个对象" and digest.link == "/media/"
    assert digest.body == "自动监测发现本单位 25 个对象的 25 个问题：账号链接无法访问 20 个、监测时间点前2周无更新 5 个。请登录系统查看并核查整改。"
    assert digest.sms_state == Delivery.PENDING
    [site_digest] = Notification.objects.filter(user=chain["haidian"])
    assert site_digest.title == "监测发现问题：本单位 11 个对象"
    assert "22 个问题：" in site_digest.body and "HTTPS证书过期 11 个" in site_digest.body
    login(chain["haidian"])
    assert total(client.get(site_digest.link).content.decode()) == 22  # the link lists exactly them
    assert len(keys(chain["commerce"])) == 20  # one message per finding
    for f in sites:  # the operators still hear of their own site's findings, one by one
        assert f"finding:{f.pk}" in keys(f.website.operator_user)
    assert keys(chain["beijing"]) == set() and keys(chain["tianjin_filer"]) == set()

    runner.announce([f.pk for f in stale + broken + sites + few])  # again: nothing new
    assert Notification.objects.filter(user__in=[chain["shangzhuang"], chain["haidian"]]).count() == 2


# --- a website finding of a filer unit (its 主办单位) becomes a row of its sheet -------------------

def test_a_filer_unit_turns_its_website_finding_into_a_row_from_its_check_page(client, chain, login):
    from reports.models import SpotCheckItem
    from tests.monitoring.test_runs import open_quarter

    [finding] = site_findings(chain["haidian"].org_unit, sponsor="海淀区燕园街道办事处")
    open_quarter(chain["haidian"])
    login(chain["yanyuan"])
    page = client.get("/self-checks/").content.decode()
    assert 'data-testid="my-findings"' in page and f"您的网站 {finding.website.name}：首页无法访问" in page
    action = f'action="/monitoring/findings/{finding.pk}/to-sheet/"'
    assert action in page  # the owner's button, on the page a filer unit has (no website pages)

    response = client.post(f"/monitoring/findings/{finding.pk}/to-sheet/", {"next": "/self-checks/"})
    item = SpotCheckItem.objects.get(website=finding.website)
    assert response.status_code == 302 and response.url == f"/self-checks/sheets/{item.sheet_id}/"
    assert item.sheet.filer_unit_id == chain["yanyuan"].filer_unit_id
    assert item.passed is False and item.problems == ["站点无法访问"]
    page = client.get("/self-checks/").content.decode()
    assert action not in page and "已转入检查结果" in page

    # the unit above sees the finding on 监测发现 but has no button: the sheet is the filer unit's
    login(chain["haidian"])
    assert action not in client.get("/self-checks/").content.decode()
    assert client.post(f"/monitoring/findings/{finding.pk}/to-sheet/").status_code == 302
    assert SpotCheckItem.objects.filter(website=finding.website).count() == 1
    # another subtree cannot even find it
    login(chain["tianjin"])
    assert client.post(f"/monitoring/findings/{finding.pk}/to-sheet/").status_code == 404


def test_a_failed_conversion_returns_to_the_page_it_came_from_never_elsewhere(client, chain, login):
    [finding] = site_findings(chain["haidian"].org_unit, sponsor="海淀区燕园街道办事处")
    login(chain["yanyuan"])  # no 检查季度 open: nothing to convert into
    back = client.post(f"/monitoring/findings/{finding.pk}/to-sheet/", {"next": "/self-checks/"})
    assert back.url == "/self-checks/"
    assert "本单位没有可填写的检查结果信息表" in client.get("/self-checks/").content.decode()
    outside = client.post(f"/monitoring/findings/{finding.pk}/to-sheet/", {"next": "https://evil.example/"})
    assert outside.url == "/self-checks/"
