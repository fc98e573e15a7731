"""Account types and platform-id extraction from pasted links (SPEC §6, shared PLATFORMS.md).

Pure Python, no Django: models, forms, the list, export and import build on these tables.
The server never fetches a URL: a link that does not carry the account's id is refused
with a message (Simplified Chinese) saying which link to paste instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote, urlsplit

WECHAT_SUBSCRIPTION = "subscription"
WECHAT_SERVICE = "service"
WECHAT_KIND_LABELS = {WECHAT_SUBSCRIPTION: "订阅号", WECHAT_SERVICE: "服务号"}
WECHAT_KIND_CHOICES = list(WECHAT_KIND_LABELS.items())
PLATFORM_NAME_SEPARATOR = "+"
MAX_URL_LENGTH = 1000


@dataclass(frozen=True)
class AccountType:
    """One account type.

    ``list_label`` is the label of lists, exports and the import template when no WeChat
    kind or platform name is folded in (see ``display_type``).
    """

    code: str
    name: str
    list_label: str
    has_wechat_kind: bool = False
    needs_platform_name: bool = False


ACCOUNT_TYPES = (
    AccountType("WX", "微信公众号", "微信公众号", has_wechat_kind=True),
    AccountType("WB", "新浪微博", "新浪微博"),
    AccountType("TT", "今日头条", "今日头条"),
    AccountType("DY", "抖音", "抖音短视频"),
    AccountType("KS", "快手", "快手短视频"),
    AccountType("BJ", "百家号", "百家号"),
    AccountType("QE", "企鹅号", "企鹅号"),
    AccountType("BL", "哔哩哔哩", "哔哩哔哩"),
    AccountType("XH", "小红书", "小红书"),
    AccountType("KH", "移动客户端", "移动客户端"),
    AccountType("XC", "小程序", "小程序", needs_platform_name=True),
    AccountType("QT", "其他", "其他", needs_platform_name=True),
)
TYPE_BY_CODE = {t.code: t for t in ACCOUNT_TYPES}


def type_choices() -> list[tuple[str, str]]:
    """Django-style choices: [(code, form name)] in display order."""
    return [(t.code, t.name) for t in ACCOUNT_TYPES]


def _account_type(code: str) -> AccountType:
    try:
        return TYPE_BY_CODE[code]
    except (KeyError, TypeError):
        raise ValueError(f"未知的账号类型：{code}") from None


def display_type(code: str, wechat_kind: str | None = None, platform_name: str = "") -> str:
    """The type as lists, exports and the import template show it (微信订阅号, 小程序+支付宝 …)."""
    atype = _account_type(code)
    if atype.has_wechat_kind and wechat_kind:
        if wechat_kind not in WECHAT_KIND_LABELS:
            raise ValueError(f"未知的微信公众号类型：{wechat_kind}")
        return "微信" + WECHAT_KIND_LABELS[wechat_kind]
    name = (platform_name or "").strip()
    if atype.needs_platform_name and name:
        return atype.list_label + PLATFORM_NAME_SEPARATOR + name
    return atype.list_label


# Every accepted label without a platform name -> (code, wechat kind).
_LABELS: dict[str, tuple[str, str | None]] = {}
for _t in ACCOUNT_TYPES:
    _LABELS[_t.name] = _LABELS[_t.list_label] = (_t.code, None)
for _kind in WECHAT_KIND_LABELS:
    _LABELS[display_type("WX", _kind)] = ("WX", _kind)
_VALID_LABELS = "、".join(
    [display_type("WX", k) for k in WECHAT_KIND_LABELS]
    + [t.list_label + ("+平台名称" if t.needs_platform_name else "") for t in ACCOUNT_TYPES[1:]]
)


def parse_type_label(text: str) -> tuple[str, str | None, str]:
    """Parse a list/import label or a form name into (code, wechat_kind, platform_name).

    Raises ValueError (Chinese message) for anything else.
    """
    label = (text or "").strip() if isinstance(text, str) else ""
    if not label:
        raise ValueError("账号类型不能为空")
    if label in _LABELS:
        code, kind = _LABELS[label]
        return code, kind, ""
    head, sep, tail = label.replace("＋", PLATFORM_NAME_SEPARATOR).partition(PLATFORM_NAME_SEPARATOR)
    found = _LABELS.get(head.strip())
    if sep and found and TYPE_BY_CODE[found[0]].needs_platform_name:
        if tail.strip():
            return found[0], None, tail.strip()
        raise ValueError(f"账号类型“{label}”缺少平台名称，应填写为“{head.strip()}+平台名称”")
    raise ValueError(f"无法识别的账号类型“{label}”，请填写：{_VALID_LABELS}")


class PlatformIdError(ValueError):
    """A pasted link from which no platform id can be taken; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Platform:
    """Extractor entry: hosts owned, what to paste, id patterns and known refusals."""

    hosts: tuple[str, ...]
    hint: str
    patterns: tuple[tuple[re.Pattern, str | Callable[[str], str]], ...] = ()
    refusals: tuple[tuple[re.Pattern, str], ...] = ()
    fallback_own: bool = False  # a link of its own host without an id -> normalised URL
    fallback_foreign: bool = False  # a link of no known platform -> normalised URL
    numeric_ids: bool = False  # ids are numbers: leading zeros do not make another account


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _kuaishou_kind(value: str) -> str:
    """eids are case-insensitive (3x…, stored lower-case); aliases are kept as typed."""
    return "eid:" + value.lower() if value.lower().startswith("3x") else "alias:" + value


_END = r"(?=[/?#]|$)"
_SUB = r"^(?:[\w-]+\.)*"  # any subdomain (www. is already removed)

# Patterns are matched against "host/path?query#fragment" (decoded, host lower-case, no www.).
_PLATFORMS: dict[str, _Platform] = {
    "WX": _Platform(
        hosts=("mp.weixin.qq.com",),
        hint="请在电脑端打开文章后“复制链接”，粘贴包含 __biz= 的文章链接或公众号主页链接",
        patterns=((_rx(r"[?&]__biz=([A-Za-z0-9+/]{8,}={0,2})(?=[&#]|$)"), ""),),
        refusals=((_rx(r"^mp\.weixin\.qq\.com/s/"),
                   "这是公众号文章的短格式链接（mp.weixin.qq.com/s/…），不含公众号标识 __biz"),),
    ),
    "WB": _Platform(
        numeric_ids=True,
        hosts=("weibo.com", "weibo.cn"),
        hint="请粘贴包含数字用户ID的微博主页链接，如 https://weibo.com/u/<用户ID> 或 https://m.weibo.cn/u/<用户ID>",
        patterns=(
            (_rx(_SUB + r"weibo\.(?:com|cn)/p/100505(\d{5,11})" + _END), ""),
            (_rx(_SUB + r"weibo\.(?:com|cn)/(?:u/|profile/)?(\d{5,11})" + _END), ""),
        ),
        refusals=(
            (_rx(_SUB + r"weibo\.(?:com|cn)/n/"), "这是按昵称打开的微博链接，昵称可以修改，不能作为账号标识"),
            (_rx(r"^weibo\.(?:com|cn)/[A-Za-z][\w.-]*/?(?:[?#]|$)"), "这是微博个性域名链接，不含数字用户ID"),
        ),
    ),
    "TT": _Platform(
        numeric_ids=True,
        hosts=("toutiao.com",),
        hint="请在电脑浏览器中打开账号主页，粘贴 https://www.toutiao.com/c/user/token/… 形式的主页链接",
        patterns=(
            (_rx(_SUB + r"toutiao\.com/c/user/token/([A-Za-z0-9_-]{20,})"), "token:"),
            (_rx(_SUB + r"toutiao\.com/c/user/(\d{5,20})" + _END), "uid:"),
            # the phone page of the same numeric user id (m.toutiao.com/profile/<uid>/)
            (_rx(_SUB + r"toutiao\.com/profile/(\d{5,20})" + _END), "uid:"),
        ),
        refusals=((_rx(r"^mp\.toutiao\.com/profile_v4"), "这是头条号创作者后台（mp.toutiao.com）的链接，不是账号主页"),),
    ),
    "DY": _Platform(
        hosts=("douyin.com", "iesdouyin.com"),
        hint="请在电脑浏览器中打开账号主页，粘贴 https://www.douyin.com/user/MS4wLjABAAAA… 形式的主页链接",
        patterns=(
            (_rx(_SUB + r"douyin\.com/user/(MS4wLjABAAAA[A-Za-z0-9_-]+)"), ""),
            (_rx(r"[?&]sec_(?:uid|user_id)=(MS4w[A-Za-z0-9_-]+)"), ""),
            # the share page phones copy: iesdouyin.com/share/user/<sec_uid>
            (_rx(_SUB + r"iesdouyin\.com/share/user/(MS4wLjABAAAA[A-Za-z0-9_-]+)"), ""),
        ),
        refusals=((_rx(_SUB + r"douyin\.com/user/self" + _END),
                   "这是“我的主页”链接（douyin.com/user/self），只对登录者本人有效，不含账号标识"),
                  (_rx(_SUB + r"iesdouyin\.com/share/user/\d+" + _END),
                   "这是只含数字编号的抖音分享链接（没有 sec_uid），数字编号不能换算为账号标识"),),
    ),
    "KS": _Platform(
        hosts=("kuaishou.com",),
        hint="请在电脑浏览器中打开账号主页，粘贴 https://www.kuaishou.com/profile/<用户ID> 形式的主页链接",
        patterns=((_rx(r"^(?:kuaishou\.com/profile|live\.kuaishou\.com/(?:u|profile)|c\.kuaishou\.com/fw/user)"
                       r"/([A-Za-z0-9_.-]+)"), _kuaishou_kind),),
    ),
    "BJ": _Platform(
        numeric_ids=True,
        hosts=("author.baidu.com", "baijiahao.baidu.com"),
        hint="请粘贴百家号作者主页链接，如 https://author.baidu.com/home?app_id=<作者ID>",
        patterns=(
            (_rx(r"^author\.baidu\.com/home(?:/|\?(?:[^#]*&)?app_id=)(\d{10,19})(?!\d)"), ""),
            (_rx(r"^baijiahao\.baidu\.com/u\?(?:[^#]*&)?app_id=(\d{10,19})(?!\d)"), ""),
        ),
        refusals=((_rx(r"^baijiahao\.baidu\.com/s\?(?:[^#]*&)?id="), "这是百家号文章链接，不是作者主页"),),
    ),
    "QE": _Platform(
        numeric_ids=True,
        hosts=("new.qq.com", "news.qq.com", "om.qq.com", "inews.qq.com", "xw.qq.com"),
        hint="请粘贴企鹅号作者主页链接，如 https://new.qq.com/omn/author/<作者ID>",
        patterns=((_rx(r"^(?:new|news)\.qq\.com/omn/author/([A-Za-z0-9_=+-]+)"), ""),),
        refusals=((_rx(r"^(?:new|news)\.qq\.com/(?:omn/\d{8}/|rain/a/)"), "这是文章链接，不是企鹅号作者主页"),),
        fallback_own=True,
    ),
    "BL": _Platform(
        numeric_ids=True,
        hosts=("bilibili.com",),
        hint="请粘贴哔哩哔哩个人空间链接，如 https://space.bilibili.com/<UID>",
        patterns=((_rx(r"^(?:space\.bilibili\.com/|m\.bilibili\.com/space/)(\d{1,19})" + _END), ""),),
        refusals=((_rx(r"^live\.bilibili\.com/"), "这是直播间链接（live.bilibili.com），不是账号主页"),),
    ),
    "XH": _Platform(
        hosts=("xiaohongshu.com", "rednote.com"),
        hint="请在电脑浏览器中打开账号主页，粘贴 https://www.xiaohongshu.com/user/profile/<用户ID> 形式的主页链接",
        patterns=((_rx(_SUB + r"(?:xiaohongshu|rednote)\.com/user/profile/([0-9a-f]{24})" + _END), ""),),
    ),
    "KH": _Platform(
        hosts=("apps.apple.com", "itunes.apple.com", "app.mi.com", "app.xiaomi.com", "sj.qq.com",
               "appgallery.huawei.com"),
        hint=("请粘贴应用商店的应用详情页链接，如 https://apps.apple.com/cn/app/id<数字>、"
              "https://app.mi.com/details?id=<包名>、https://sj.qq.com/appdetail/<包名>、"
              "https://appgallery.huawei.com/app/C<数字>，或官方网站的下载页链接"),
        patterns=(
            (_rx(r"^(?:apps|itunes)\.apple\.com/(?:[a-z]{2}/)?app/(?:[^/?#]+/)?id(\d{6,12})" + _END), "ios:"),
            (_rx(r"^app\.(?:mi|xiaomi)\.com/details\?(?:[^#]*&)?id=([\w.]+)"), "android:"),
            (_rx(r"^sj\.qq\.com/appdetail/([\w.]+)"), "android:"),
            (_rx(r"^appgallery\.huawei\.com/(?:#/)?app/(C\d{5,12})" + _END), "android:"),
        ),
        fallback_foreign=True,
    ),
    "XC": _Platform(
        hosts=(),  # the weixin:// scheme; wxaurl.cn is a short link
        hint="请粘贴包含小程序 AppID（wx 开头、共 18 位）的链接，如 weixin://dl/business/?appid=wx…&path=…",
        patterns=((_rx(r"\b(wx[0-9a-f]{16})\b"), ""),),
        fallback_foreign=True,
    ),
    "QT": _Platform(hosts=(), hint="请粘贴账号主页的完整链接", fallback_foreign=True),
}

# Short links carry no id and are never followed: refused under every type.
_SHORT_LINKS = tuple((_rx(p), label) for p, label in (
    (r"^v\.douyin\.com(?:/|$)", "v.douyin.com"),
    (r"^v\.kuaishou\.com(?:/|$)", "v.kuaishou.com"),
    (r"^(?:[\w-]+\.)*kuaishou\.com/f/", "kuaishou.com/f/"),
    (r"^b23\.tv(?:/|$)", "b23.tv"),
    (r"^xhslink\.com(?:/|$)", "xhslink.com"),
    (r"^t\.cn(?:/|$)", "t.cn"),
    (r"^m\.toutiao\.com/is/", "m.toutiao.com/is/"),
    (r"^url\.cloud\.huawei\.com(?:/|$)", "url.cloud.huawei.com"),
    (r"^wxaurl\.cn(?:/|$)", "wxaurl.cn"),
    (r"^weixin://dl/business/?\?(?:[^#]*&)?t=", "weixin://dl/business/?t="),
))

# Query parameters that only track the sharer or the visit (compared lower-case).
_TRACKING_PARAMS = frozenset({
    "spm", "spm_id_from", "from", "fid", "vd_source", "xsec_token", "xsec_source", "luicode",
    "lfid", "isappinstalled", "is_from_webapp", "sender_device", "web_id", "wfr",
})
_TRACKING_PREFIXES = ("utm_", "share", "from_", "xsec_", "spm_")


def _is_tracking(key: str) -> bool:
    key = unquote(key).strip().lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def normalise_url(url: str) -> str:
    """Lower-case host, no scheme, no www., no tracking query, no fragment, no trailing '/'."""
    text = (url or "").strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port not in (80, 443):
        host += f":{port}"
    kept = [p for p in parts.query.split("&") if p and not _is_tracking(p.split("=", 1)[0])]
    return host + parts.path.rstrip("/") + ("?" + "&".join(kept) if kept else "")


def paste_hint(type_code: str) -> str:
    """What link to paste for this account type (help text for forms and the import)."""
    return _PLATFORMS[_account_type(type_code).code].hint


_HOST_OWNERS: dict[str, list[int]] = {}   # host → the positions in _PLATFORMS of the platforms owning it
for _position, _platform in enumerate(_PLATFORMS.values()):
    for _host in _platform.hosts:
        _HOST_OWNERS.setdefault(_host, []).append(_position)
_PLATFORM_CODES = list(_PLATFORMS)


def _owner(scheme: str, host: str) -> str | None:
    """The code of the platform a link belongs to, if any: the first platform (in _PLATFORMS
    order) owning the host or a parent domain of it. A dictionary look-up per suffix of the host
    (the batch import calls this for every row)."""
    if scheme == "weixin":
        return "XC"
    found = None
    suffix = host
    while suffix:
        for position in _HOST_OWNERS.get(suffix, ()):
            if found is None or position < found:
                found = position
        dot = suffix.find(".")
        suffix = suffix[dot + 1:] if dot >= 0 else ""
    return None if found is None else _PLATFORM_CODES[found]


def _target(url: str, atype: AccountType) -> tuple[str, str, str, str]:
    """Validate the pasted text; return (text, scheme, host, "host/path?query#fragment" decoded)."""
    text = (url or "").strip() if isinstance(url, str) else ""
    if not text:
        raise PlatformIdError("请填写文章链接/主页链接/下载链接")
    if len(text) > MAX_URL_LENGTH:
        raise PlatformIdError(f"链接过长（超过 {MAX_URL_LENGTH} 个字符），请核对后只粘贴链接本身")
    if re.search(r"[\s\x00-\x1f\x7f]", text):
        raise PlatformIdError("链接中不能含有空格、换行或其他文字，请只粘贴链接本身")
    text = text.replace("&amp;", "&")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        raise PlatformIdError("链接格式不正确，请粘贴完整的链接") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "weixin"):
        schemes = "http://、https:// 或 weixin://" if atype.code == "XC" else "http:// 或 https://"
        raise PlatformIdError(f"链接须以 {schemes} 开头，请粘贴完整的链接")
    if scheme != "weixin" and "." not in host:
        raise PlatformIdError("链接中缺少完整的网址域名，请粘贴完整的链接")
    if host.startswith("www."):
        host = host[4:]
    target = host + unquote(parts.path)
    if parts.query:
        target += "?" + unquote(parts.query)
    if parts.fragment:
        target += "#" + unquote(parts.fragment)
    return text, scheme, host, ("weixin://" + target if scheme == "weixin" else target)


def _match(platform: _Platform, target: str) -> str | None:
    for pattern, prefix in platform.patterns:
        found = pattern.search(target)
        if found:
            value = found.group(1)
            if platform.numeric_ids and value.isdigit():
                value = str(int(value))  # `00434377496` and `434377496` are one account
            return prefix(value) if callable(prefix) else prefix + value
    return None


def extract_platform_id(type_code: str, url: str) -> str:
    """The account's platform id taken from a pasted link, or "url:<normalised URL>".

    Raises PlatformIdError with a Chinese message naming the link to paste instead.
    """
    try:
        atype = _account_type(type_code)
    except ValueError as exc:
        raise PlatformIdError(str(exc)) from None
    platform = _PLATFORMS[atype.code]
    text, scheme, host, target = _target(url, atype)
    for pattern, label in _SHORT_LINKS:
        if pattern.match(target):
            raise PlatformIdError(f"这是短链接（{label}），不含账号标识，系统也不会打开它查找账号。{platform.hint}")
    owner = _owner(scheme, host)
    if atype.code == "XC":  # the AppID wins wherever it appears (also on mp.weixin.qq.com pages)
        found = _match(platform, target)
        if found:
            return found
    if owner and owner != atype.code:
        other = TYPE_BY_CODE[owner].name
        raise PlatformIdError(f"这是{other}的链接，与所选账号类型“{atype.name}”不符。"
                              f"如果是{other}账号，请改选账号类型“{other}”；否则{platform.hint}")
    found = _match(platform, target)
    if found:
        return found
    if owner == atype.code:
        for pattern, reason in platform.refusals:
            if pattern.search(target):
                raise PlatformIdError(f"{reason}。{platform.hint}")
        if platform.fallback_own:
            return "url:" + normalise_url(text)
        raise PlatformIdError(f"无法从该链接中识别{atype.name}账号标识。{platform.hint}")
    if platform.fallback_foreign:
        return "url:" + normalise_url(text)
    raise PlatformIdError(f"这不是{atype.name}的链接。{platform.hint}")


def platform_of(url: str) -> str | None:
    """The type code of the platform that owns a link's host (None for a link of no known
    platform, or text that is no link): the public 官方账号查询 reads a link without a type."""
    text = (url or "").strip() if isinstance(url, str) else ""
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    host = host[4:] if host.startswith("www.") else host
    return _owner(parts.scheme.lower(), host)
