"""Each check and the fetcher against the local fixture server (no internet)."""
import threading
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest

from monitoring.checks import check_account, check_website, column_urls
from govmedia.fetch.fetchers import HostGate, HttpxFetcher
from monitoring.models import Kind
from monitoring.readers import READERS, reader_for

TODAY = date(2026, 12, 1)
MARKS = "<footer>京ICP备12345678号-1 京公网安备 11010802012345号</footer>"


def site(homepage, columns=None, **extra):
    return {"id": 1, "homepage": homepage, "icp_number": "京ICP备12345678号", "police_record": "京公网安备11010802012345号",
            "columns": columns or {}, **extra}


def by_kind(outcomes):
    return {o.kind: o for o in outcomes}


@pytest.fixture
def fetcher(monitoring):
    f = HttpxFetcher()
    yield f
    f.close()


def test_homepage_reachable_with_status_time_and_redirects_followed(monitoring, fetcher):
    monitoring.page("/ok", f"<html>{MARKS}</html>")
    result = by_kind(check_website(site(monitoring.url("/redirect/3")), fetcher, TODAY))[Kind.HOMEPAGE]
    assert result.ok is True and result.status_code == 200
    assert result.data["redirects"] == 3 and result.data["final_url"].endswith("/ok")
    assert result.elapsed_ms is not None and "毫秒" in result.detail


@pytest.mark.parametrize("path, problem", [("/loop", "重定向超过 5 次"), ("/slow/3", "连接超时"), ("/missing", "HTTP 404")])
def test_homepage_unreachable(monitoring, fetcher, path, problem):
    result = by_kind(check_website(site(monitoring.url(path)), fetcher, TODAY))[Kind.HOMEPAGE]
    assert result.ok is False and result.detail == f"首页无法访问：{problem}"


def test_a_closed_port_is_unreachable(monitoring, fetcher):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    page = fetcher.get(f"http://127.0.0.1:{port}/")
    assert not page.ok and page.error == "无法连接"


def test_a_dropped_connection_is_tried_once_more(monitoring, fetcher):
    page = fetcher.get(monitoring.url("/drop/once"))
    assert page.ok and page.text == "<html>after a drop</html>"
    gone = fetcher.get(monitoring.url("/drop/always"))
    assert not gone.ok and gone.error == "服务器断开连接"


def test_certificate_valid_expired_and_plain_http(monitoring, fetcher):
    valid = by_kind(check_website(site(monitoring.url("/ok", "https")), fetcher, TODAY))[Kind.TLS]
    assert valid.ok is True and 363 <= valid.data["days_left"] <= 365 and valid.data["verified"] is True
    expired = by_kind(check_website(site(monitoring.url("/ok", "expired")), fetcher, TODAY))[Kind.TLS]
    assert expired.ok is False and "过期" in expired.detail and expired.data["days_left"] in (-10, -11)
    assert expired.data["verified"] is False and "expired" in expired.data["verify_error"]
    # the expired site's homepage still answers: reachability is its own check, not a second finding
    assert by_kind(check_website(site(monitoring.url("/ok", "expired")), fetcher, TODAY))[Kind.HOMEPAGE].ok is True
    assert by_kind(check_website(site(monitoring.url("/ok")), fetcher, TODAY))[Kind.TLS].ok is None


def test_a_certificate_from_an_untrusted_ca_is_noted(monitoring, settings):
    settings.MONITORING_CA_BUNDLE = ""  # the system store does not know the throwaway CA
    f = HttpxFetcher()
    try:
        result = by_kind(check_website(site(monitoring.url("/ok", "https")), f, TODAY))[Kind.TLS]
    finally:
        f.close()
    assert result.ok is True and result.data["verified"] is False and "证书未通过校验" in result.detail


def test_marks_present_or_missing_where_the_filing_says_so(monitoring, fetcher):
    monitoring.page("/home/full", f"<html>{MARKS}</html>")
    monitoring.page("/home/icp", "<html>京ICP备12345678号</html>")
    assert by_kind(check_website(site(monitoring.url("/home/full")), fetcher, TODAY))[Kind.MARKS].ok is True
    missing = by_kind(check_website(site(monitoring.url("/home/icp")), fetcher, TODAY))[Kind.MARKS]
    assert missing.ok is False and missing.detail == "首页未展示公安机关备案标识（京公网安备11010802012345号）"
    # no 公安 filing: only the ICP number is asked for
    no_police = by_kind(check_website(site(monitoring.url("/home/icp"), police_record=""), fetcher, TODAY))[Kind.MARKS]
    assert no_police.ok is True


def test_every_column_link_is_checked(monitoring, fetcher):
    columns = {"政策文件": {"names": "政策；解读", "urls": f"{monitoring.url('/col/a')}；{monitoring.url('/col/missing')}"},
               "办事服务": {"names": "无", "urls": "无"}, "互动交流": {"names": "留言", "urls": monitoring.url("/col/a")}}
    assert [u for _, u in column_urls(columns)] == [monitoring.url("/col/a"), monitoring.url("/col/missing")]
    result = by_kind(check_website(site(monitoring.url("/ok"), columns), fetcher, TODAY))[Kind.COLUMNS]
    assert result.ok is False and result.data["checked"] == 2
    assert result.data["broken"] == [{"category": "政策文件", "url": monitoring.url("/col/missing"), "problem": "HTTP 404"}]
    ok = by_kind(check_website(site(monitoring.url("/ok"), {"政策文件": {"urls": monitoring.url("/col/a")}}), fetcher, TODAY))
    assert ok[Kind.COLUMNS].ok is True


def test_per_host_limit_and_politeness_delay(monitoring, settings):
    settings.MONITORING_PER_HOST = 2
    settings.MONITORING_CONCURRENCY = 8
    f = HttpxFetcher()
    try:
        threads = [threading.Thread(target=f.get, args=(monitoring.url("/slow/0.3"),)) for _ in range(6)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert f.gate.peak == 2 and time.monotonic() - start >= 0.85  # 3 rounds of 2
    finally:
        f.close()
    gate = HostGate(per_host=4, delay=0.2)
    start = time.monotonic()
    for _ in range(4):
        with gate.enter("a.example"):
            pass
    assert time.monotonic() - start >= 0.55  # starts at 0, 0.2, 0.4, 0.6
    with gate.enter("b.example"):  # another host does not wait for a.example
        assert gate.in_flight == 1


def test_a_large_body_is_read_only_up_to_the_limit(monitoring, settings):
    settings.MONITORING_MAX_BODY_BYTES = 64 * 1024
    monitoring.page("/big", b"x" * (2 * 1024 * 1024))
    f = HttpxFetcher()
    try:
        page = f.get(monitoring.url("/big"))
    finally:
        f.close()
    assert page.ok and page.truncated and len(page.body) == 64 * 1024


def test_pages_and_the_tls_check_go_through_the_proxy(monitoring, settings):
    settings.MONITORING_PROXY = monitoring.url("")
    monitoring.page("http://portal.example.invalid/", f"<html>{MARKS}</html>")
    f = HttpxFetcher()
    try:
        page = f.get("http://portal.example.invalid/")
        assert page.ok and "京ICP备" in page.text
        tunnels = monitoring.tunnels
        cert = f.certificate("127.0.0.1", 443)   # through CONNECT, whatever the port asked
        assert monitoring.tunnels == tunnels + 2 and cert.verified and cert.not_after > datetime.now(dt_timezone.utc)
    finally:
        f.close()


def test_user_agent_is_sent(monitoring, settings):
    settings.MONITORING_USER_AGENT = "govmedia-test-agent"
    seen = {}
    import tests.monitoring.fixture_server as fs

    original = fs._Handler.do_GET

    def spy(handler):
        seen["ua"] = handler.headers.get("User-Agent")
        return original(handler)

    fs._Handler.do_GET = spy
    f = HttpxFetcher()
    try:
        f.get(monitoring.url("/ok"))
    finally:
        fs._Handler.do_GET = original
        f.close()
    assert seen["ua"] == "govmedia-test-agent"


# --- accounts ------------------------------------------------------------------------------------

def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 10, tzinfo=dt_timezone(timedelta(hours=8))).timestamp())


def account(url, account_type="TT", platform_id="token:x"):
    return {"id": 1, "account_type": account_type, "url": url, "platform_id": platform_id}


def test_embedded_page_reader_finds_the_newest_post(monitoring, fetcher):
    posts = [TODAY - timedelta(days=20), TODAY - timedelta(days=15), TODAY + timedelta(days=30)]  # a future date is ignored
    monitoring.page("/tt/user", "<script>" + ",".join(f'{{"publish_time":{epoch(d)}}}' for d in posts) + "</script>")
    result = by_kind(check_account(account(monitoring.url("/tt/user")), fetcher, TODAY))
    assert result[Kind.ACCOUNT_LINK].ok is True
    update = result[Kind.ACCOUNT_UPDATE]
    assert update.ok is False and update.data == {"latest": "2026-11-16", "days": 15}
    assert update.detail == "已 15 天未更新（最近发布 2026-11-16）"


def test_fourteen_days_is_still_in_time(monitoring, fetcher):
    monitoring.page("/dy/user", f'<time datetime="{TODAY - timedelta(days=14)}">')
    assert by_kind(check_account(account(monitoring.url("/dy/user"), "DY"), fetcher, TODAY))[Kind.ACCOUNT_UPDATE].ok is True


def test_weibo_and_bilibili_readers_use_their_endpoints(monitoring, fetcher):
    monitoring.page("/weibo/api/container/getIndex?type=uid&value=2265830070&containerid=1076032265830070",
                    '{"data": {"cards": [{"mblog": {"created_at": "Tue Nov 10 09:00:00 +0800 2026"}}, {"card_type": 11}]}}')
    monitoring.page("/bili/x/space/arc/search", '{"data": {"list": {"vlist": [{"created": %d}]}}}' % epoch(TODAY - timedelta(days=2)))
    monitoring.page("/u/2265830070", "<html>weibo</html>")
    weibo = by_kind(check_account(account(monitoring.url("/u/2265830070"), "WB", "2265830070"), fetcher, TODAY))
    assert weibo[Kind.ACCOUNT_UPDATE].data == {"latest": "2026-11-10", "days": 21}
    bili = by_kind(check_account(account(monitoring.url("/space"), "BL", "434377496"), fetcher, TODAY))
    assert bili[Kind.ACCOUNT_UPDATE].ok is True and bili[Kind.ACCOUNT_UPDATE].data["days"] == 2


def test_platforms_without_a_reader_are_skipped(monitoring, fetcher):
    assert reader_for("WX") is None and set(READERS) == {"WB", "BL", "TT", "DY"}
    result = by_kind(check_account(account(monitoring.url("/wx"), "WX"), fetcher, TODAY))
    assert result[Kind.ACCOUNT_LINK].ok is True
    assert result[Kind.ACCOUNT_UPDATE].ok is None and result[Kind.ACCOUNT_UPDATE].detail == "该平台暂不支持读取更新日期"
    unreadable = by_kind(check_account(account(monitoring.url("/plain")), fetcher, TODAY))[Kind.ACCOUNT_UPDATE]
    assert unreadable.ok is None and unreadable.detail == "页面中未读到发布日期"


def test_broken_account_link_and_app_download(monitoring, fetcher):
    broken = by_kind(check_account(account(monitoring.url("/gone/missing"), "WX"), fetcher, TODAY))[Kind.ACCOUNT_LINK]
    assert broken.ok is False and broken.detail == "账号链接无法访问：HTTP 404"
    app = by_kind(check_account(account(monitoring.url("/app/missing"), "KH"), fetcher, TODAY))
    assert set(app) == {Kind.APP_DOWNLOAD} and app[Kind.APP_DOWNLOAD].ok is False
    assert by_kind(check_account(account(monitoring.url("/app/ok"), "KH"), fetcher, TODAY))[Kind.APP_DOWNLOAD].ok is True
    mini = by_kind(check_account(account("weixin://dl/business/?appid=wx4e1ba651bbe36d01", "XC"), fetcher, TODAY))
    assert mini[Kind.ACCOUNT_LINK].ok is None


def test_a_check_switched_off_is_not_run(monitoring, fetcher, settings):
    settings.MONITORING_CHECKS = {Kind.COLUMNS: False, Kind.TLS: False}
    kinds = {o.kind for o in check_website(site(monitoring.url("/ok", "https"), {"a": {"urls": monitoring.url("/x")}}),
                                           fetcher, TODAY)}
    assert kinds == {Kind.HOMEPAGE, Kind.MARKS}


def test_an_intranet_sets_the_ca_bundle_platform_gateways_and_fetcher_from_the_environment():
    from tests.servers import settings_read

    env = {"DEBUG": "1", "MONITORING_CA_BUNDLE": "/etc/govmedia/ca.pem",
           "MONITORING_PLATFORM_ENDPOINTS": "wb=https://weibo-gw.intra, BL=https://bili-gw.intra",
           "MONITORING_FETCHER": "bench.monitoring.FixtureFetcher"}
    code = ("from django.conf import settings as s; print(s.MONITORING_CA_BUNDLE); "
            "print(sorted(s.MONITORING_PLATFORM_ENDPOINTS.items())); print(s.MONITORING_FETCHER)")
    out = settings_read(env, code, drop=("MONITORING_", "DJANGO_SETTINGS_MODULE"))
    assert out[:3] == ["/etc/govmedia/ca.pem", "[('BL', 'https://bili-gw.intra'), ('WB', 'https://weibo-gw.intra')]",
                       "bench.monitoring.FixtureFetcher"]
