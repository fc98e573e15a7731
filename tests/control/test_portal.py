"""A portal's own list of accounts (/.well-known/govmedia-accounts.json) against the registry, read
through the fetcher from the local fixture server: both directions become 待核查 items; a malformed
list is reported and changes nothing; the run goes on (issue 28, 0059)."""
import json

import pytest

from control import portal
from control.models import PortalItem, PortalRead
from govmedia.fetch.fetchers import HttpxFetcher
from reviews.models import JournalEntry
from tests.control.helpers import make_account, make_site


@pytest.fixture
def fetcher(monitoring):
    f = HttpxFetcher()
    yield f
    f.close()


@pytest.fixture
def registered(chain, monitoring, tree):
    filer = chain["shangzhuang"].filer_unit      # 海淀区上庄镇政府, under 海淀区
    listed = make_account(filer, "上庄发布", "https://weibo.com/u/1234567890", "A1101080001", account_type="WB",
                          platform_id="1234567890")
    missing = make_account(filer, "上庄资讯", "https://www.toutiao.com/c/user/token/MS4wAbc/", "A1101080002")
    site = make_site(tree["110108"], "海淀区政府", monitoring.url("/"), "1101080001")
    return {"listed": listed, "missing": missing, "site": site}


def publish(server, accounts, **extra):
    server.page("/.well-known/govmedia-accounts.json", json.dumps({"version": 1, "accounts": accounts, **extra}),
                headers={"Content-Type": "application/json"})


def test_one_unregistered_and_one_missing_account_give_both_items(monitoring, fetcher, registered):
    publish(monitoring, [
        {"type": "WB", "name": "上庄发布", "url": "https://m.weibo.cn/u/1234567890"},     # the same uid, another link form
        {"type": "DY", "name": "上庄文旅", "url": "https://www.douyin.com/user/MS4wLjABAAAAnew"},
    ])
    read = portal.read_portal(registered["site"], fetcher)
    assert read.outcome == PortalRead.Outcome.OK and read.listed == 2
    items = {i.kind: i for i in PortalItem.objects.filter(closed_at__isnull=True)}
    assert set(items) == {PortalItem.Kind.UNREGISTERED, PortalItem.Kind.UNLISTED}
    assert items[PortalItem.Kind.UNREGISTERED].name == "上庄文旅"
    assert items[PortalItem.Kind.UNLISTED].account_id == registered["missing"].pk
    assert JournalEntry.objects.filter(action="portal_list_read", subject_id=registered["site"].pk).count() == 1
    # Read again, unchanged: nothing new opened, nothing journaled.
    portal.read_portal(registered["site"], fetcher)
    assert PortalItem.objects.filter(closed_at__isnull=True).count() == 2
    assert JournalEntry.objects.filter(action="portal_list_read").count() == 1
    # The portal adds the missing account and drops the unknown one: both items close.
    publish(monitoring, [{"type": "WB", "url": "https://weibo.com/u/1234567890"},
                         {"type": "TT", "url": registered["missing"].url}])
    portal.read_portal(registered["site"], fetcher)
    assert not PortalItem.objects.filter(closed_at__isnull=True).exists()


@pytest.mark.parametrize("body, reason", [
    ("{not json", "不是有效的JSON"),
    ('{"version": 1}', "缺少 \"accounts\" 数组"),
    ('{"version": 1, "accounts": [{"name": "无链接"}]}', "第 1 个账号缺少 \"url\""),
    ('{"version": 1, "accounts": [{"type": "ZZ", "url": "https://x.cn/"}]}', "\"type\" 无效"),
    ('[1, 2]', "缺少 \"version\": 1"),
])
def test_a_malformed_list_is_reported_and_changes_nothing(monitoring, fetcher, registered, body, reason):
    publish(monitoring, [{"type": "DY", "url": "https://www.douyin.com/user/MS4wLjABAAAAnew"}])
    portal.read_portal(registered["site"], fetcher)
    before = list(PortalItem.objects.filter(closed_at__isnull=True).values_list("id", flat=True))
    monitoring.page("/.well-known/govmedia-accounts.json", body)
    read = portal.read_portal(registered["site"], fetcher)
    assert read.outcome == PortalRead.Outcome.MALFORMED and reason in read.message
    assert list(PortalItem.objects.filter(closed_at__isnull=True).values_list("id", flat=True)) == before


def test_the_scheduled_run_reads_every_site_and_never_crashes(monitoring, registered, tree, monkeypatch):
    other = make_site(tree["110108"], "海淀区教育网", monitoring.url("/edu/"), "1101080002")
    monitoring.page("/.well-known/govmedia-accounts.json", "{broken")
    result = portal.read_portals()   # both sites are on the fixture host: the same broken list
    assert "格式错误 2 个" in result
    assert PortalRead.objects.get(website=registered["site"]).outcome == PortalRead.Outcome.MALFORMED
    # A bug while reading one site: logged, the others still read.
    real = portal.read_portal

    def flaky(site, fetcher, now=None):
        if site.pk == other.pk:
            raise RuntimeError("boom")
        return real(site, fetcher, now)

    monkeypatch.setattr(portal, "read_portal", flaky)
    assert "出错 1 个" in portal.read_portals()


def test_an_absent_list_is_nobodys_problem(monitoring, fetcher, registered):
    monitoring.page("/.well-known/govmedia-accounts.json", "<html>404</html>", status=404)
    read = portal.read_portal(registered["site"], fetcher)
    assert read.outcome == PortalRead.Outcome.ABSENT and not PortalItem.objects.exists()


def test_the_org_unit_lists_and_handles_the_items_another_unit_never_sees(client, login, chain, monitoring, fetcher,
                                                                           registered):
    from django.urls import reverse

    publish(monitoring, [{"type": "WB", "url": "https://weibo.com/u/1234567890"},
                         {"type": "DY", "name": "上庄文旅", "url": "https://www.douyin.com/user/MS4wLjABAAAAnew"}])
    portal.read_portal(registered["site"], fetcher)
    login(chain["heping"])
    page = client.get(reverse("control:portal_items")).content.decode()
    assert "上庄文旅" not in page
    item = PortalItem.objects.get(kind=PortalItem.Kind.UNREGISTERED)
    assert client.post(reverse("control:portal_close", args=[item.pk])).status_code == 404
    login(chain["haidian"])
    page = client.get(reverse("control:portal_items")).content.decode()
    assert "上庄文旅" in page and "门户列出但未登记" in page and "已登记但门户未列出" in page and "上庄资讯" in page
    site_page = client.get(reverse("websites:review_detail", args=[registered["site"].pk])).content.decode()
    assert "门户公布的账号清单" in site_page and "上庄文旅" in site_page
    client.post(reverse("control:portal_close", args=[item.pk]))
    item.refresh_from_db()
    assert item.closed_at is not None
    assert JournalEntry.objects.filter(action="portal_item_closed", subject_id=registered["site"].pk).exists()
    assert "上庄文旅" not in client.get(reverse("control:portal_items")).content.decode()
