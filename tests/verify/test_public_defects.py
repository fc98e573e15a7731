"""Issue 29's defects of the public side: NUL in any public parameter, caching as documented,
formula-safe CSV, the Atom author, pasted share text and two more link forms, near names,
the 验证码 threshold, RateLimit-* headers, open data's latest/ alias and Data Package."""
import csv
import io
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.utils import timezone

from tests.conftest import requires_postgres
from tests.verify.conftest import day_on_disk, registered
from verify.services import publish_open_data

NUL_URLS = ["/api/v1/search/accounts?name=a%00b", "/api/v1/search/websites?name=a%00b", "/api/v1/accounts/a%00b",
            "/api/v1/websites/1%00", "/verify/a%00b/", "/verify/a%00b/qr.svg", "/verify/?q=a%00b",
            "/api/v1/verify/account?link=https://weibo.com/u/1%00", "/open-data/latest/a%00.csv",
            "/changes/feed.json?page=1%00"]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_byte_in_any_public_parameter_answers_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400, url
    if url.startswith("/api/"):
        assert response.json()["detail"].startswith("请求中含有不允许的字符")


def test_api_answers_are_public_for_a_minute_and_a_rename_moves_last_modified(client, pingan):
    url = f"/api/v1/accounts/{pingan['real'].media_code}"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = client.get(url)
        cache = {d.strip() for d in first["Cache-Control"].split(",")}
        assert {"public", "max-age=60"} <= cache and "no-store" not in cache and "private" not in cache
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        clock.shift(timedelta(minutes=5))
        account = pingan["real"]
        account.name = "平安北京警方"  # a rename (as 同意修改 saves it): the record's last change moves
        account.save()
        after = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert after.status_code == 200 and after.json()["name"] == "平安北京警方"
        assert after["Last-Modified"] != first["Last-Modified"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    # an answer that declares nothing public (an unknown code's 404) is still no-store
    assert "no-store" in client.get("/api/v1/accounts/NOPE")["Cache-Control"]


def test_open_data_files_are_cacheable_and_latest_serves_the_newest_day(client, pingan, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    today = timezone.localdate()
    publish_open_data(today - timedelta(days=1))
    publish_open_data(today)
    response = client.get("/open-data/latest/accounts.csv")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert response["Content-Location"] == f"/open-data/{today}/accounts.csv"
    dated = client.get(f"/open-data/{today}/accounts.csv")
    assert b"".join(response.streaming_content) == b"".join(dated.streaming_content)
    assert "max-age=86400" in dated["Cache-Control"]


def test_open_data_is_a_valid_data_package_with_the_account_url(client, pingan, settings, tmp_path, chain):
    from frictionless import Package, validate

    settings.MEDIA_ROOT = str(tmp_path)
    registered(chain, '=HYPERLINK("http://evil.example/","点击核验")', "BL", "https://space.bilibili.com/476725595")
    today = timezone.localdate()
    publish_open_data(today)
    folder = day_on_disk(tmp_path, today)
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(folder / "datapackage.json"))
    assert {r.name for r in package.resources} == {"accounts", "websites", "accountability"}
    rows = list(csv.DictReader(io.StringIO((folder / "accounts.csv").read_text("utf-8-sig"))))
    by_code = {r["新媒体标识码"]: r for r in rows}
    assert by_code[pingan["real"].media_code]["账号链接"] == pingan["real"].url
    evil = next(r for r in rows if "HYPERLINK" in r["账号名称"])
    assert evil["账号名称"].startswith("'=")  # a spreadsheet shows it as text, never runs it
    assert client.get("/open-data/latest/datapackage.json").status_code == 200


def test_the_account_form_refuses_a_name_that_is_a_formula():
    from accounts_media.forms import AccountForm

    form = AccountForm(data={"name": '=HYPERLINK("http://x","y")'})
    form.is_valid()
    assert "名称不能以“=”开头。" in form.errors["name"]


def test_the_atom_feed_names_its_author(client, pingan):
    feed = feedparser.parse(client.get("/changes/atom/").content)
    assert feed.feed.author == "全国政务新媒体与政府网站报送系统"
    assert client.get("/changes/feed.json").json()["authors"][0]["name"] == "全国政务新媒体与政府网站报送系统"


def test_pasted_share_text_and_the_two_phone_link_forms_are_read(client, chain):
    weibo = registered(chain, "上庄发布", "WB", "https://weibo.com/u/2265830070")
    douyin = registered(chain, "平安上庄", "DY",
                        "https://www.douyin.com/user/MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ")
    toutiao = registered(chain, "上庄头条", "TT", "https://www.toutiao.com/c/user/1090304683804520/")
    for text, account in [
        ("【上庄发布】的微博主页 https://weibo.com/u/2265830070?from=share 复制此链接，打开微博查看", weibo),
        ("https://www.iesdouyin.com/share/user/MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ", douyin),
        ("长按复制此条消息，打开抖音搜索，查看TA的更多作品。 https://www.iesdouyin.com/share/user/"
         "MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ?u_code=abc&did=1", douyin),
        ("https://m.toutiao.com/profile/1090304683804520/", toutiao),
    ]:
        body = client.get("/api/v1/verify/account", {"link": text}).json()
        assert body["answer"] == "registered" and body["record"]["media_code"] == account.media_code, text
        html = client.get("/verify/", {"q": text}).content.decode()
        assert "是政务新媒体账号" in html and account.media_code in html, text
    numeric = client.get("/api/v1/verify/account", {"link": "https://www.iesdouyin.com/share/user/93763913776"}).json()
    assert numeric["answer"] == "unrecognised" and "sec_uid" in numeric["message"]


@requires_postgres
def test_near_names_fold_traditional_characters_and_shortened_names(client, chain):
    city = registered(chain, "北京市人民政府", "WB", "https://weibo.com/u/5501756072")
    release = registered(chain, "北京发布", "WX", "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=1")
    traditional = client.get("/api/v1/search/accounts", {"name": "北京發佈"}).json()
    assert traditional["answer"] == "registered" and traditional["record"]["media_code"] == release.media_code
    short = client.get("/api/v1/search/accounts", {"name": "北京市政府网"}).json()
    assert short["answer"] == "not_registered"
    assert city.media_code in [r["media_code"] for r in short["similar"]]  # 是否要找：北京市人民政府


def test_the_captcha_waits_for_an_office_network_worth_of_lookups(client, pingan, settings):
    settings.VERIFY_CAPTCHA_AFTER = 30
    for _ in range(30):  # thirty look-ups from one address (an office) answer without one
        assert 'name="captcha_1"' not in client.get("/verify/", {"q": "平安北京"}).content.decode()
    assert 'name="captcha_1"' in client.get("/verify/", {"q": "平安北京"}).content.decode()


def test_the_api_sends_ratelimit_headers(client, pingan, settings):
    settings.VERIFY_API_LIMIT = 100
    first = client.get("/api/v1/search/accounts", {"name": "平安北京"})
    second = client.get("/api/v1/search/accounts", {"name": "平安北京"})
    assert first["RateLimit-Limit"] == "100" and first["RateLimit-Policy"] == "100;w=3600"
    assert int(second["RateLimit-Remaining"]) == int(first["RateLimit-Remaining"]) - 1
    assert 0 < int(first["RateLimit-Reset"]) <= 3600
