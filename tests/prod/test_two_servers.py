"""Two app servers (separate gunicorn processes, DEBUG off) share every piece of state:
a change made through one shows on the other at once."""
import re

import pytest

from reports.models import Notice

FORM = {
    "operator": "海淀区上庄镇政府", "account_type": "WX", "wechat_kind": "subscription",
    "url": "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1&sn=abc",
    "name": "上庄发布", "represents_government": "0", "func_publish": "on", "func_interact": "on", "submit": "1",
}
REVIEW = {"result": "approve", "reviewer_name": "王审核", "reviewer_phone": "18812348822"}


def pending_badge(html: str) -> int:
    match = re.search(r'data-testid="tab-pending">\s*待审核\s*(?:<span class="badge[^>]*>(\d+)</span>)?', html)
    assert match, html[:3000]
    return int(match.group(1) or 0)


def summary(html: str) -> str:
    return re.search(r'data-testid="summary">([^<]*)<', html).group(1)


def test_counts_and_summary_follow_a_change_made_on_the_other_server(two_app_servers, chain):
    a, b = two_app_servers.urls
    haidian = two_app_servers.login(chain["haidian"])
    filer = two_app_servers.login(chain["shangzhuang"])
    for _ in range(4):  # every worker of both servers has counted (and cached) the empty scope
        for base in (a, b):
            page = haidian.get(f"{base}/media/")
            assert page.status_code == 200
            assert pending_badge(page.text) == 0 and "共计 0 个" in summary(page.text)

    response = filer.post(f"{a}/media/add/", data=FORM)
    assert response.status_code == 302, response.text[:2000]
    for _ in range(4):
        for base in (b, a):
            assert pending_badge(haidian.get(f"{base}/media/").text) == 1

    # 海淀区 approves on server B; 北京市 (next in the chain) sees it pending on server A at once.
    from accounts_media.models import MediaAccount

    account = MediaAccount.objects.get()
    beijing = two_app_servers.login(chain["beijing"])
    assert pending_badge(beijing.get(f"{a}/media/").text) == 0
    response = haidian.post(f"{b}/media/{account.pk}/review/", data={**REVIEW, "version": account.version})
    assert response.status_code == 302, response.text[:2000]
    for _ in range(4):
        assert pending_badge(haidian.get(f"{a}/media/").text) == 0
        assert pending_badge(beijing.get(f"{a}/media/").text) == 1
        assert pending_badge(beijing.get(f"{b}/media/").text) == 1


def test_the_notice_menu_label_changes_on_both_servers_when_gb_sends(two_app_servers, chain, tree):
    a, b = two_app_servers.urls
    beijing = two_app_servers.login(chain["beijing"])
    for _ in range(4):
        for base in (a, b):
            assert ">待核查账号<" in beijing.get(f"{base}/notices/").text.replace(" ", "")

    gb = two_app_servers.login(chain["gb"])
    response = gb.post(f"{a}/notices/new/", data={"title": "关于核查部分新媒体账号的通知", "menu_label": "待核查账号（第三批）",
                                                  "body": "请于11月底前完成核查。", "recipients": [tree["110000"].pk]})
    assert response.status_code == 302, response.text[:2000]
    notice = Notice.objects.get()
    assert gb.post(f"{a}/notices/{notice.pk}/send/").status_code == 302
    for _ in range(4):
        for base in (b, a):
            assert "待核查账号（第三批）" in beijing.get(f"{base}/notices/").text


def test_a_per_address_limit_is_counted_once_across_both_servers(two_app_servers, tree):
    a, b = two_app_servers.urls
    client = two_app_servers.client()
    statuses = [client.get(f"{(a, b)[i % 2]}/websites/apply/org/", params={"code": "110108"}).status_code
                for i in range(30)]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429] * 10


@pytest.mark.parametrize("uses", [5])
def test_the_progress_captcha_comes_after_five_uses_on_any_server(two_app_servers, tree, uses):
    a, b = two_app_servers.urls
    client = two_app_servers.client()
    for i in range(uses):
        page = client.get(f"{(a, b)[i % 2]}/websites/progress/")
        assert 'name="captcha_1"' not in page.text
        client.post(f"{(a, b)[i % 2]}/websites/progress/", data={"tracking_code": "ABCDEFGH"})
    for base in (a, b):
        assert 'name="captcha_1"' in client.get(f"{base}/websites/progress/").text


def test_a_password_login_on_one_server_holds_on_the_other_and_survives_a_cache_flush(two_app_servers, chain):
    a, b = two_app_servers.urls
    haidian = chain["haidian"]
    two_app_servers.set_password(haidian, "Tz@2026-两台")
    client = two_app_servers.login_with_password(haidian.username, "Tz@2026-两台", role="org", base=a)
    assert client.get(f"{b}/media/").status_code == 200
    two_app_servers.clear_cache()  # what a Redis restart does: sessions are in the database
    for base in (a, b):
        page = client.get(f"{base}/media/")
        assert page.status_code == 200 and "（110108）" in page.text
