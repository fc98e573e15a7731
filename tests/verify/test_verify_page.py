"""官方账号查询: every link form of PLATFORMS.md, the three plain answers, the name search."""
import pytest
from django.urls import reverse

from tests.conftest import requires_postgres
from tests.verify.conftest import registered

# (type, the link the filer registered, other link forms of the same account a citizen may paste)
LINK_FORMS = [
    ("WX", "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1&sn=abc",
     ["https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA5MDk1MjI5MA==&scene=124",
      "https://mp.weixin.qq.com/mp/homepage?__biz=MzA5MDk1MjI5MA%3D%3D&hid=4"]),
    ("WB", "https://weibo.com/u/5501756072",
     ["https://m.weibo.cn/u/5501756072?luicode=10000011", "https://m.weibo.cn/profile/5501756072",
      "https://weibo.com/p/1005055501756072", "https://weibo.com/5501756072/PqRsT1234"]),
    ("TT", "https://www.toutiao.com/c/user/token/MS4wLjABAAAApOspM7AnWqplD9FIBGnhJRfUjFT_msD1KZMfNPBZa-c/?tab=article",
     ["https://toutiao.com/c/user/token/MS4wLjABAAAApOspM7AnWqplD9FIBGnhJRfUjFT_msD1KZMfNPBZa-c"]),
    ("TT", "https://www.toutiao.com/c/user/1090304683804520/", ["https://toutiao.com/c/user/1090304683804520"]),
    ("DY", "https://www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE?from_tab_name=main",
     ["https://www.iesdouyin.com/share/user/93763913776?sec_uid=MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE",
      "www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE"]),
    ("KS", "https://www.kuaishou.com/profile/3xcuu5habgc8z29",
     ["https://live.kuaishou.com/profile/3xcuu5habgc8z29?fid=2357689552", "https://c.kuaishou.com/fw/user/3xcuu5habgc8z29"]),
    ("KS", "https://live.kuaishou.com/u/yall1102", ["https://live.kuaishou.com/profile/yall1102"]),
    ("BJ", "https://author.baidu.com/home?from=bjh_article&app_id=1582149344008199",
     ["https://author.baidu.com/home/1582149344008199?from=dusite_artdetailh5",
      "https://baijiahao.baidu.com/u?app_id=1582149344008199"]),
    ("QE", "https://new.qq.com/omn/author/5933889", ["https://news.qq.com/omn/author/5933889"]),
    ("BL", "https://space.bilibili.com/434377496?spm_id_from=333.1007",
     ["https://space.bilibili.com/434377496/dynamic", "https://m.bilibili.com/space/434377496"]),
    ("XH", "https://www.xiaohongshu.com/user/profile/5eb8e1d400000000010075ae?xsec_token=AB12",
     ["https://www.rednote.com/user/profile/5eb8e1d400000000010075ae"]),
    ("KH", "https://apps.apple.com/cn/app/%E7%BA%A2%E6%A2%85/id1485553352", ["https://apps.apple.com/app/id1485553352"]),
    ("KH", "https://app.mi.com/details?id=com.datadudu.ubibot", ["https://app.xiaomi.com/details?ref=x&id=com.datadudu.ubibot"]),
    ("KH", "https://sj.qq.com/appdetail/com.tencent.map", ["https://sj.qq.com/appdetail/com.tencent.map?from=share"]),
    ("KH", "https://appgallery.huawei.com/app/C100046879", ["https://appgallery.huawei.com/#/app/C100046879"]),
    ("XC", "weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index", ["weixin://dl/business/?appid=wx4e1ba651bbe36d01"]),
    ("QT", "https://gov.example.cn/app?utm_source=share", ["http://www.gov.example.cn/app/"]),
]


def ask(client, q, kind="account"):
    response = client.get(reverse("verify:search"), {"q": q, "kind": kind})
    assert response.status_code == 200
    return response.content.decode()


def test_the_login_page_links_to_the_public_page(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("verify:search")}"' in html and "官方账号查询" in html


def test_every_link_form_of_every_platform_finds_the_registered_account(client, chain):
    accounts = [(registered(chain, f"测试账号{i}", code, url), forms + [url]) for i, (code, url, forms) in enumerate(LINK_FORMS)]
    for account, forms in accounts:
        for link in forms:
            html = ask(client, link)
            assert "是政务新媒体账号" in html, (link, html[html.find("answer"):][:400])
            assert account.media_code in html and account.name in html, link
            assert "北京市商务局" in html  # 填报单位全称


def test_a_closed_account_says_closed_and_an_unknown_link_is_not_registered(client, pingan):
    html = ask(client, "https://m.weibo.cn/u/1669879400")
    assert "已关停" in html and pingan["closed"].media_code in html
    html = ask(client, "https://weibo.com/u/9999999999")
    assert "未在系统中登记" in html and "是政务新媒体账号" not in html


def test_a_short_link_is_refused_with_what_to_paste(client, pingan):
    html = ask(client, "https://v.douyin.com/iRNBho6u/")
    assert "无法识别该链接" in html and "短链接" in html and "douyin.com/user/" in html


def test_a_name_search_finds_pingan_beijing_and_shows_similar_names_with_their_status(client, pingan):
    html = ask(client, "平安北京")
    assert "是政务新媒体账号" in html and pingan["real"].media_code in html
    similar = html[html.index('data-testid="similar"'):]
    assert "是否要找" in html and "平安北京交警" in similar and "平安北京朝阳" in similar
    row = similar[similar.index("平安北京朝阳"):].split("</tr>")[0]
    assert "已关停" in row


@requires_postgres  # similarity needs pg_trgm; SQLite only finds substrings
def test_an_imitation_name_is_not_registered_but_points_to_the_real_one(client, pingan):
    html = ask(client, "平安北京官方")
    assert "未在系统中登记" in html and "平安北京" in html[html.index('data-testid="similar"'):]


def test_a_deleted_account_is_no_longer_registered(client, pingan, chain):
    from accounts_media import services

    services.perform(pingan["traffic"], "delete", chain["gb"], {"reason": "正式申请退出监管"})
    html = ask(client, "https://weibo.com/u/2265830070")
    assert "未在系统中登记" in html and "删除（退出监管）" in html


def test_the_page_of_a_code_and_its_qr_code(client, pingan):
    code = pingan["real"].media_code
    response = client.get(f"/verify/{code}/")
    html = response.content.decode()
    assert response.status_code == 200 and "是政务新媒体账号" in html and "平安北京" in html
    assert f'src="/verify/{code}/qr.svg"' in html and "打印" in html
    svg = client.get(f"/verify/{code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    closed = client.get(f"/verify/{pingan['closed'].media_code}/").content.decode()
    assert "已关停" in closed
    missing = client.get("/verify/110000M001DY9999/")
    assert missing.status_code == 404 and "未在系统中登记" in missing.content.decode()
    assert client.get("/verify/110000M001DY9999/qr.svg").status_code == 404


def test_the_qr_code_encodes_the_page_address(client, pingan):
    """The served SVG is exactly the QR symbol of the page's absolute URL (and of nothing else)."""
    import io

    import qrcode
    import qrcode.image.svg

    code = pingan["real"].media_code

    def symbol(text):
        out = io.BytesIO()
        qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(out)
        return out.getvalue()

    served = client.get(f"/verify/{code}/qr.svg").content
    assert served == symbol(f"http://testserver/verify/{code}/")
    assert served != symbol(f"http://testserver/verify/{pingan['traffic'].media_code}/")


def test_websites_by_domain_and_by_name(client, sites):
    html = ask(client, "https://www.bjhd.gov.cn/", "website")
    assert "是政府网站" in html and "1101080001" in html and "北京市海淀区人民政府办公室" in html
    assert "是政府网站" in ask(client, "bjhd.gov.cn", "website")
    assert "是政府网站" in ask(client, "zwfw.bjhd.gov.cn", "website")  # another domain of the site
    assert "已关停" in ask(client, "daj.bjhd.gov.cn", "website")
    assert "未在系统中登记" in ask(client, "www.fake-bjhd.gov.cn", "website")
    html = ask(client, "海淀区人民政府", "website")
    assert "是否要找" in html and "海淀区人民政府网" in html


def test_the_captcha_after_repeated_use_and_the_limit(client, pingan, settings):
    from tests.factories import solve_captcha

    settings.VERIFY_CAPTCHA_AFTER = 2
    settings.VERIFY_PAGE_LIMIT = 4
    for _ in range(2):
        assert "是政务新媒体账号" in ask(client, "平安北京")
    html = ask(client, "平安北京")
    assert 'name="captcha_1"' in html and "是政务新媒体账号" not in html
    url = reverse("verify:search") + "?q=x"
    data = solve_captcha(client, url, {"q": "平安北京", "kind": "account"})
    assert "是政务新媒体账号" in client.get(reverse("verify:search"), data).content.decode()
    data = solve_captcha(client, url, {"q": "平安北京", "kind": "account"})
    client.get(reverse("verify:search"), data)
    data = solve_captcha(client, url, {"q": "平安北京", "kind": "account"})
    assert "查询过于频繁" in client.get(reverse("verify:search"), data).content.decode()


@pytest.mark.parametrize("q", ["", " "])
def test_an_empty_query_asks_for_input(client, db, q):
    assert "请粘贴链接或输入名称" in ask(client, q)
