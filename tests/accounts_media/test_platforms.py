"""Tests of account types and platform-id extraction (no database, no Django settings)."""
import pytest

from accounts_media.platforms import (
    ACCOUNT_TYPES,
    MAX_URL_LENGTH,
    TYPE_BY_CODE,
    WECHAT_SERVICE,
    WECHAT_SUBSCRIPTION,
    AccountType,
    PlatformIdError,
    display_type,
    extract_platform_id,
    normalise_url,
    parse_type_label,
    paste_hint,
    type_choices,
)

WX_HINT = "请在电脑端打开文章后“复制链接”，粘贴包含 __biz= 的文章链接或公众号主页链接"

# What each type's refusal must name (a fragment of the link to paste).
PASTE = {
    "WX": WX_HINT,
    "WB": "https://weibo.com/u/",
    "TT": "https://www.toutiao.com/c/user/token/",
    "DY": "https://www.douyin.com/user/MS4wLjABAAAA",
    "KS": "https://www.kuaishou.com/profile/",
    "BJ": "https://author.baidu.com/home?app_id=",
    "QE": "https://new.qq.com/omn/author/",
    "BL": "https://space.bilibili.com/",
    "XH": "https://www.xiaohongshu.com/user/profile/",
    "KH": "https://apps.apple.com/cn/app/id",
    "XC": "weixin://dl/business/?appid=wx",
    "QT": "账号主页的完整链接",
}

DY_SEC_UID = "MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE"
TT_TOKEN = "MS4wLjABAAAApOspM7AnWqplD9FIBGnhJRfUjFT_msD1KZMfNPBZa-c"

# Every example of PLATFORMS.md (the "…" elisions filled in), then a few more real-looking shapes.
EXAMPLES = [
    ("WX", "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1&sn=5d0c1b2a3f4e&chksm=8b1c",
     "MzA5MDk1MjI5MA=="),
    ("WX", "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzI2MTYxNTg3NA==&scene=124",
     "MzI2MTYxNTg3NA=="),
    ("WX", "https://mp.weixin.qq.com/mp/homepage?__biz=MzA3MDM3NjE5NQ==&hid=4", "MzA3MDM3NjE5NQ=="),
    ("WX", "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA%3D%3D&mid=2247484158&idx=1", "MzA5MDk1MjI5MA=="),
    ("WX", "http://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&amp;mid=2247484158#rd", "MzA5MDk1MjI5MA=="),
    ("WX", "https://mp.weixin.qq.com/s?src=11&timestamp=1700000000&__biz=MzI2MTYxNTg3NA==", "MzI2MTYxNTg3NA=="),
    ("WB", "https://weibo.com/u/2265830070", "2265830070"),
    ("WB", "https://m.weibo.cn/u/1669879400?luicode=10000011", "1669879400"),
    ("WB", "https://m.weibo.cn/profile/5501756072", "5501756072"),
    ("WB", "https://weibo.com/p/1005055399876326", "5399876326"),
    ("WB", "https://weibo.com/p/1005055399876326/home?from=page_100505", "5399876326"),
    ("WB", "https://weibo.com/1669879400/OxyzAbCdE", "1669879400"),
    ("WB", "https://www.weibo.com/2265830070?refer_flag=1001030103_", "2265830070"),
    ("TT", f"https://www.toutiao.com/c/user/token/{TT_TOKEN}/?tab=article", f"token:{TT_TOKEN}"),
    ("TT", "https://www.toutiao.com/c/user/1090304683804520/", "uid:1090304683804520"),
    ("TT", "https://m.toutiao.com/profile/1090304683804520/", "uid:1090304683804520"),  # the phone page (issue 29)
    ("DY", f"https://www.douyin.com/user/{DY_SEC_UID}?from_tab_name=main", DY_SEC_UID),
    ("DY", "https://www.iesdouyin.com/share/user/93763913776?sec_uid="
           "MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ",
     "MS4wLjABAAAAnzRLpvV9w2jXzWhHSsG5D4SoqfYazU1-fvgm4joaHXQ"),
    ("DY", f"HTTPS://WWW.DOUYIN.COM/user/{DY_SEC_UID}", DY_SEC_UID),
    ("DY", f"https://www.iesdouyin.com/share/user/{DY_SEC_UID}?u_code=abc", DY_SEC_UID),  # share page (issue 29)
    ("KS", "https://www.kuaishou.com/profile/3x84qugg4ch9zhs", "eid:3x84qugg4ch9zhs"),
    ("KS", "https://live.kuaishou.com/profile/3xcuu5habgc8z29?fid=2357689552", "eid:3xcuu5habgc8z29"),
    ("KS", "https://live.kuaishou.com/u/yall1102", "alias:yall1102"),
    ("KS", "https://c.kuaishou.com/fw/user/3xcuu5habgc8z29?fid=1&cc=share_copylink", "eid:3xcuu5habgc8z29"),
    ("BJ", "https://author.baidu.com/home?from=bjh_article&app_id=1582149344008199", "1582149344008199"),
    ("BJ", "https://author.baidu.com/home/1603347506741536?from=dusite_artdetailh5", "1603347506741536"),
    ("BJ", "https://baijiahao.baidu.com/u?app_id=1569963948352870", "1569963948352870"),
    ("QE", "https://new.qq.com/omn/author/5933889", "5933889"),
    ("BL", "https://space.bilibili.com/434377496?spm_id_from=333.788.0.0", "434377496"),
    ("BL", "https://space.bilibili.com/476725595/dynamic", "476725595"),
    ("BL", "https://m.bilibili.com/space/3546706436164078", "3546706436164078"),
    ("XH", "https://www.xiaohongshu.com/user/profile/5eb8e1d400000000010075ae?xsec_token=ABcd123&xsec_source=pc_note",
     "5eb8e1d400000000010075ae"),
    ("XH", "https://www.xiaohongshu.com/user/profile/6234917d0000000010008cf8", "6234917d0000000010008cf8"),
    ("XH", "https://www.rednote.com/user/profile/6234917d0000000010008cf8", "6234917d0000000010008cf8"),
    ("KH", "https://apps.apple.com/cn/app/%E7%BA%A2%E6%98%9F%E6%96%B0%E9%97%BB/id1485553352", "ios:1485553352"),
    ("KH", "https://apps.apple.com/cn/app/%E7%BA%A2…/id1485553352", "ios:1485553352"),
    ("KH", "https://apps.apple.com/app/id6740703900", "ios:6740703900"),
    ("KH", "https://app.mi.com/details?id=com.datadudu.ubibot", "android:com.datadudu.ubibot"),
    ("KH", "https://sj.qq.com/appdetail/com.tencent.map", "android:com.tencent.map"),
    ("KH", "https://appgallery.huawei.com/app/C100046879", "android:C100046879"),
    ("KH", "https://appgallery.huawei.com/#/app/C100046879", "android:C100046879"),
    ("XC", "weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index/index&query=a%3D1",
     "wx4e1ba651bbe36d01"),
    ("XC", "https://mp.weixin.qq.com/mp/waerrpage?appid=wx4e1ba651bbe36d01&type=upgrade", "wx4e1ba651bbe36d01"),
]


@pytest.mark.parametrize(("code", "url", "expected"), EXAMPLES)
def test_examples_give_the_platform_id(code, url, expected):
    assert extract_platform_id(code, url) == expected


def test_every_platform_type_has_an_example():
    assert {code for code, _, _ in EXAMPLES} == set(TYPE_BY_CODE) - {"QT"}


FALLBACKS = [
    ("QT", "https://www.zhihu.com/people/gov-cn/?utm_source=wechat#top", "url:zhihu.com/people/gov-cn"),
    ("QT", "https://Channels.Example.GOV.cn/Account/Home?id=42&share_token=x", "url:channels.example.gov.cn/Account/Home?id=42"),
    ("QE", "https://om.qq.com/article/author?media=12345&from=share", "url:om.qq.com/article/author?media=12345"),
    ("KH", "https://www.beijing.gov.cn/app/download.html?utm_source=wx", "url:beijing.gov.cn/app/download.html"),
    ("XC", "https://render.alipay.com/p/s/i/?appId=2021001234567890&from=share",
     "url:render.alipay.com/p/s/i?appId=2021001234567890"),
]


@pytest.mark.parametrize(("code", "url", "expected"), FALLBACKS)
def test_fallback_to_normalised_url(code, url, expected):
    assert extract_platform_id(code, url) == expected


# (type, link PLATFORMS.md refuses, what the reason must say)
REFUSED = [
    ("DY", "https://v.douyin.com/iRNBho6u/", "短链接"),
    ("KS", "https://v.kuaishou.com/2xYzAbC", "短链接"),
    ("KS", "https://www.kuaishou.com/f/X-7a8b9c0d1e2f3g4h", "短链接"),
    ("BL", "https://b23.tv/BV1xx411c7mD", "短链接"),
    ("XH", "http://xhslink.com/a/AbCdEfGh", "短链接"),
    ("WB", "http://t.cn/A6abcDEF", "短链接"),
    ("TT", "https://m.toutiao.com/is/iJkLmNoP/", "短链接"),
    ("KH", "https://url.cloud.huawei.com/pQrStUvWxY", "短链接"),
    ("XC", "https://wxaurl.cn/AbCdEfGhIj", "短链接"),
    ("XC", "weixin://dl/business/?t=AbCdEfGhIj", "短链接"),
    ("WX", "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv", "__biz"),
    ("WB", "https://weibo.com/n/人民日报", "昵称"),
    ("WB", "https://weibo.com/n/%E4%BA%BA%E6%B0%91%E6%97%A5%E6%8A%A5", "昵称"),
    ("WB", "https://weibo.com/rmrb", "个性域名"),
    ("WB", "https://weibo.com/rmrb?is_all=1", "个性域名"),
    ("DY", "https://www.douyin.com/user/self?showTab=post", "user/self"),
    ("TT", "https://mp.toutiao.com/profile_v4/index", "创作者后台"),
    ("BL", "https://live.bilibili.com/21452505", "直播间"),
    ("BJ", "https://baijiahao.baidu.com/s?id=1780000000000000000&wfr=spider&for=pc", "文章"),
    ("QE", "https://new.qq.com/omn/20240101/20240101A01ABC00.html", "文章"),
    # links of the platform that carry no account id
    ("WX", "https://mp.weixin.qq.com/mp/profile_ext?action=home", "无法从该链接中识别微信公众号"),
    ("WB", "https://m.weibo.cn/status/4983456789012345", "无法从该链接中识别新浪微博"),
    ("TT", "https://www.toutiao.com/article/7300000000000000000/", "无法从该链接中识别今日头条"),
    ("DY", "https://www.douyin.com/video/7300000000000000000", "无法从该链接中识别抖音"),
    ("KS", "https://www.kuaishou.com/short-video/3xabcdefgh12345", "无法从该链接中识别快手"),
    ("BJ", "https://author.baidu.com/home?from=bjh_article", "无法从该链接中识别百家号"),
    ("BL", "https://www.bilibili.com/video/BV1xx411c7mD", "无法从该链接中识别哔哩哔哩"),
    ("XH", "https://www.xiaohongshu.com/explore/6512ab34000000001f03c1de", "无法从该链接中识别小红书"),
    ("KH", "https://apps.apple.com/cn/developer/beijing/id1234567", "无法从该链接中识别移动客户端"),
    ("XC", "weixin://dl/business/?path=pages/index", "无法从该链接中识别小程序"),
]


@pytest.mark.parametrize(("code", "url", "reason"), REFUSED)
def test_refused_links_say_what_to_paste(code, url, reason):
    with pytest.raises(PlatformIdError) as info:
        extract_platform_id(code, url)
    message = str(info.value)
    assert reason in message
    assert PASTE[code] in message
    assert info.value.message == message


def test_wechat_short_article_link_message_is_the_documented_one():
    with pytest.raises(PlatformIdError, match="请在电脑端打开文章后“复制链接”") as info:
        extract_platform_id("WX", "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv")
    assert str(info.value).endswith(WX_HINT)
    assert isinstance(info.value, ValueError)


def test_a_short_link_under_another_type_names_that_types_link():
    with pytest.raises(PlatformIdError) as info:
        extract_platform_id("DY", "http://t.cn/A6abcDEF")
    assert "短链接" in str(info.value) and PASTE["DY"] in str(info.value)


# (selected type, link of another platform, that platform's name)
WRONG_TYPE = [
    ("DY", "https://weibo.com/u/2265830070", "新浪微博"),
    ("WB", f"https://www.douyin.com/user/{DY_SEC_UID}", "抖音"),
    ("WX", "weixin://dl/business/?appid=wx4e1ba651bbe36d01", "小程序"),
    ("KH", "https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=1", "微信公众号"),
    ("XH", "https://www.kuaishou.com/profile/3x84qugg4ch9zhs", "快手"),
    ("BJ", "https://www.xiaohongshu.com/user/profile/6234917d0000000010008cf8", "小红书"),
    ("QE", "https://sj.qq.com/appdetail/com.tencent.map", "移动客户端"),
    ("XC", "https://space.bilibili.com/434377496", "哔哩哔哩"),
    ("QT", "https://space.bilibili.com/434377496", "哔哩哔哩"),
    ("QT", "https://author.baidu.com/home/1603347506741536", "百家号"),
    ("TT", "https://new.qq.com/omn/author/5933889", "企鹅号"),
    ("BL", f"https://www.toutiao.com/c/user/token/{TT_TOKEN}/", "今日头条"),
]


@pytest.mark.parametrize(("code", "url", "owner"), WRONG_TYPE)
def test_link_of_another_platform_is_refused(code, url, owner):
    with pytest.raises(PlatformIdError) as info:
        extract_platform_id(code, url)
    message = str(info.value)
    assert f"这是{owner}的链接" in message
    assert f"“{TYPE_BY_CODE[code].name}”不符" in message
    assert PASTE[code] in message


@pytest.mark.parametrize("code", ["WX", "WB", "TT", "DY", "KS", "BJ", "QE", "BL", "XH"])
def test_unrelated_site_is_refused_for_platform_types(code):
    with pytest.raises(PlatformIdError) as info:
        extract_platform_id(code, "https://www.beijing.gov.cn/zhengce/index.html")
    assert f"这不是{TYPE_BY_CODE[code].name}的链接" in str(info.value)
    assert PASTE[code] in str(info.value)


BAD_INPUT = [
    ("WB", "", "请填写"),
    ("WB", "   ", "请填写"),
    ("WB", None, "请填写"),
    ("WB", "weibo.com/u/2265830070", "http:// 或 https://"),
    ("QT", "ftp://example.gov.cn/file", "http:// 或 https://"),
    ("QT", "javascript:alert(1)", "http:// 或 https://"),
    ("XC", "alipays://platformapi/startapp?appId=2021001234567890", "weixin://"),
    ("QT", "https://example.gov.cn/" + "a" * MAX_URL_LENGTH, "过长"),
    ("DY", "【人民日报】 https://v.douyin.com/iRNBho6u/ 复制此链接", "空格"),
    ("QT", "https://localhost/page", "域名"),
    ("QT", "https://[::1/page", "格式不正确"),
    ("ZZ", "https://weibo.com/u/2265830070", "未知的账号类型"),
]


@pytest.mark.parametrize(("code", "url", "fragment"), BAD_INPUT)
def test_bad_input_is_refused(code, url, fragment):
    with pytest.raises(PlatformIdError) as info:
        extract_platform_id(code, url)
    assert fragment in str(info.value)


def test_weixin_scheme_only_for_mini_programs():
    url = "weixin://dl/business/?appid=wx4e1ba651bbe36d01"
    assert extract_platform_id("XC", url) == "wx4e1ba651bbe36d01"
    with pytest.raises(PlatformIdError, match="小程序"):
        extract_platform_id("QT", url)


def test_ios_and_android_ids_never_collide():
    ios = extract_platform_id("KH", "https://apps.apple.com/app/id6740703900")
    android = extract_platform_id("KH", "https://app.mi.com/details?id=6740703900")
    assert (ios, android) == ("ios:6740703900", "android:6740703900")


def test_id_does_not_depend_on_tracking_parameters():
    a = extract_platform_id("BL", "https://space.bilibili.com/434377496?spm_id_from=333.1&vd_source=abc")
    b = extract_platform_id("BL", "https://space.bilibili.com/434377496/")
    assert a == b == "434377496"


NORMALISE = [
    ("https://www.Example.GOV.cn/", "example.gov.cn"),
    ("http://example.gov.cn/News/Index.html#top", "example.gov.cn/News/Index.html"),
    ("https://example.gov.cn/a/b/?utm_source=x&utm_medium=y&id=7", "example.gov.cn/a/b?id=7"),
    ("https://example.gov.cn/p?spm=a.b&spm_id_from=1&from=timeline&fid=9&vd_source=z&page=2",
     "example.gov.cn/p?page=2"),
    ("https://example.gov.cn/p?share_source=copy&shareRedirect=1&share_token=t&xsec_token=x&xsec_source=pc",
     "example.gov.cn/p"),
    ("https://example.gov.cn/p?id=1&q=%E6%94%BF%E5%8A%A1", "example.gov.cn/p?id=1&q=%E6%94%BF%E5%8A%A1"),
    ("https://example.gov.cn:8443/app/", "example.gov.cn:8443/app"),
    ("https://example.gov.cn:443/app", "example.gov.cn/app"),
    ("  example.gov.cn/x/  ", "example.gov.cn/x"),
    ("https://sub.www.example.gov.cn/x", "sub.www.example.gov.cn/x"),
]


@pytest.mark.parametrize(("url", "expected"), NORMALISE)
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


def test_account_types_table():
    assert [(t.code, t.name) for t in ACCOUNT_TYPES] == [
        ("WX", "微信公众号"), ("WB", "新浪微博"), ("TT", "今日头条"), ("DY", "抖音"), ("KS", "快手"),
        ("BJ", "百家号"), ("QE", "企鹅号"), ("BL", "哔哩哔哩"), ("XH", "小红书"), ("KH", "移动客户端"),
        ("XC", "小程序"), ("QT", "其他"),
    ]
    assert type_choices() == [(t.code, t.name) for t in ACCOUNT_TYPES]
    assert all(TYPE_BY_CODE[t.code] is t for t in ACCOUNT_TYPES)
    assert isinstance(ACCOUNT_TYPES, tuple) and all(isinstance(t, AccountType) for t in ACCOUNT_TYPES)
    with pytest.raises(AttributeError):
        ACCOUNT_TYPES[0].name = "x"


@pytest.mark.parametrize("code", list(TYPE_BY_CODE))
def test_every_type_has_a_paste_hint(code):
    assert paste_hint(code).startswith("请") and PASTE[code] in paste_hint(code)


# Every list/export/import label and what it stands for.
LABELS = [
    ("微信订阅号", ("WX", WECHAT_SUBSCRIPTION, "")),
    ("微信服务号", ("WX", WECHAT_SERVICE, "")),
    ("新浪微博", ("WB", None, "")),
    ("今日头条", ("TT", None, "")),
    ("抖音短视频", ("DY", None, "")),
    ("快手短视频", ("KS", None, "")),
    ("百家号", ("BJ", None, "")),
    ("企鹅号", ("QE", None, "")),
    ("哔哩哔哩", ("BL", None, "")),
    ("小红书", ("XH", None, "")),
    ("移动客户端", ("KH", None, "")),
    ("小程序+支付宝", ("XC", None, "支付宝")),
    ("小程序+微信", ("XC", None, "微信")),
    ("其他+视频号", ("QT", None, "视频号")),
    ("其他+人民号", ("QT", None, "人民号")),
]


@pytest.mark.parametrize(("label", "parsed"), LABELS)
def test_label_round_trip(label, parsed):
    assert parse_type_label(label) == parsed
    assert display_type(*parsed) == label
    assert parse_type_label(f"  {label}\t") == parsed


def test_every_type_has_a_list_label():
    assert {parsed[0] for _, parsed in LABELS} == set(TYPE_BY_CODE)


FORM_NAMES = [
    ("微信公众号", ("WX", None, "")),
    ("抖音", ("DY", None, "")),
    ("快手", ("KS", None, "")),
    ("小程序", ("XC", None, "")),
    ("其他", ("QT", None, "")),
    (" 新浪微博 ", ("WB", None, "")),
    ("小程序 ＋ 支付宝 ", ("XC", None, "支付宝")),
]


@pytest.mark.parametrize(("label", "parsed"), FORM_NAMES)
def test_form_names_are_accepted(label, parsed):
    assert parse_type_label(label) == parsed


@pytest.mark.parametrize("code", list(TYPE_BY_CODE))
def test_display_then_parse_for_every_type(code):
    atype = TYPE_BY_CODE[code]
    label = display_type(code, platform_name="测试平台")
    assert parse_type_label(label) == (code, None, "测试平台" if atype.needs_platform_name else "")
    assert parse_type_label(atype.name)[0] == code


@pytest.mark.parametrize("text", ["", "  ", "微信", "订阅号", "抖音号", "小程序+", "其他＋ ", "新浪微博+x", "wb", None])
def test_unknown_labels_are_refused(text):
    with pytest.raises(ValueError) as info:
        parse_type_label(text)
    assert "账号类型" in str(info.value)


def test_display_type_rejects_unknown_code_and_kind():
    with pytest.raises(ValueError, match="未知的账号类型"):
        display_type("ZZ")
    with pytest.raises(ValueError, match="未知的微信公众号类型"):
        display_type("WX", "enterprise")
    assert display_type("WX") == "微信公众号"
    assert display_type("WB", WECHAT_SERVICE, "忽略") == "新浪微博"


@pytest.mark.parametrize("code,first,second", [
    ("BL", "https://space.bilibili.com/434377496", "https://space.bilibili.com/00434377496"),
    ("WB", "https://weibo.com/u/2265830070", "https://weibo.com/u/02265830070"),
    ("KS", "https://www.kuaishou.com/profile/3x84qugg4ch9zhs", "https://www.kuaishou.com/profile/3X84QUGG4CH9ZHS"),
])
def test_spellings_of_one_account_give_one_id(code, first, second):
    assert extract_platform_id(code, first) == extract_platform_id(code, second)
