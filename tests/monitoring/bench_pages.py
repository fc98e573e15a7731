"""The pages of the bench's websites (`bench<n>.gov.cn`, bench/monitoring.py), served by the fixture
server in --bench mode: a homepage with dated 要闻 and 通知公告 lists, 栏目 list pages, a 留言 list,
the filing's marks in the footer, and links to allowed sites, at sizes of the order of real ones
(homepage 32 KB, 栏目 list pages 9.5 KB, the 留言 list 4.5 KB).

Each site plays one scenario, chosen by its number (n % 20), so that every content check of the
inspection indicators (issue 27) has something to find and the clean sites nothing:

  1  a stale homepage (latest item 30 days old)             → home_update
  2  12 栏目, 6 of them 空白 (暂无信息)                       → blank_columns
  3  12 栏目, 6 通知公告 columns not updated for 200+ days     → key_columns
  4  two dictionary errors on the homepage                  → expression
  5  an outbound link to a domain off the allow-list        → outlinks
  6  a 留言 list with a message unanswered for 120 days      → interaction
  else a clean site: none of these.

`site_columns(n)` is the filing's 栏目 of site n (bench/monitoring.py creates the sites with it);
`expected(n)` the content checks that must fail on it (the bench fails loudly otherwise).
"""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

STALE_HOME, BLANK, STALE_NOTICE, DICTIONARY, OUTLINK, UNANSWERED = 1, 2, 3, 4, 5, 6
EXPECTED = {STALE_HOME: "home_update", BLANK: "blank_columns", STALE_NOTICE: "key_columns", DICTIONARY: "expression",
            OUTLINK: "outlinks", UNANSWERED: "interaction"}
EXTRA = 9   # extra 栏目 of the scenarios with 12
HOST = re.compile(r"^/bench(\d+)\.gov\.cn(/[^?]*)")
TOPICS = ["优化营商环境", "乡村振兴", "安全生产", "生态环境保护", "就业创业", "养老服务", "医疗保障", "教育惠民",
          "交通运输", "住房保障", "食品安全", "防汛抗旱", "文明城市创建", "政务公开", "数字政府建设", "科技创新"]
KINDS = ["工作部署会召开", "专题会议精神传达", "调研督导活动", "实施方案印发", "政策解读", "工作进展情况通报", "典型经验做法",
         "座谈会举行", "专项检查开展", "便民服务措施出台"]


def scenario(n: int) -> int:
    return n % 20


def expected(n: int) -> set[str]:
    """The content check kinds that fail on site n."""
    kind = EXPECTED.get(scenario(n))
    return {kind} if kind else set()


def site_columns(n: int, host: str) -> dict:
    """The filing's 栏目 of site n (the form's {category: {names, urls}}): 政策文件, 留言, 办事 (one
    site in 25 files a broken address), and 9 more for the scenarios with 12 栏目."""
    base = f"https://{host}"
    columns = {"政策文件": {"names": "政策文件", "urls": f"{base}/zcwj/"},
               "互动交流": {"names": "留言", "urls": f"{base}/hdjl/"},
               "办事服务": {"names": "办事", "urls": f"{base}/{'missing' if n % 25 == 0 else 'bsfw'}/"}}
    if scenario(n) == BLANK:
        columns["专题专栏"] = {"names": "；".join(f"专题{k}" for k in range(EXTRA)),
                           "urls": "；".join(f"{base}/zt{k}/" for k in range(EXTRA))}
    elif scenario(n) == STALE_NOTICE:
        columns["通知公告"] = {"names": "；".join(f"通知公告{k}" for k in range(EXTRA)),
                           "urls": "；".join(f"{base}/tzgg{k}/" for k in range(EXTRA))}
    return columns


def _today() -> date:
    """Today in Beijing (the runner's timezone.localdate())."""
    return date(*time.gmtime(time.time() + 8 * 3600)[:3])


def _title(i: int) -> str:
    return f"关于{TOPICS[i % len(TOPICS)]}的{KINDS[(i * 7) % len(KINDS)]}（第{i + 1}期）"


def _items(count: int, newest: date, step: int, prefix: str) -> str:
    rows = []
    for i in range(count):
        day = newest - timedelta(days=i * step)
        rows.append(f'<li><a href="{prefix}{day:%Y%m}/t{day:%Y%m%d}_{1000 + i}.html" title="{_title(i)}">{_title(i)}</a>'
                    f'<span class="date">{day:%Y-%m-%d}</span></li>')
    return "\n".join(rows)


NAV = ('<div class="nav"><a href="/">首页</a><a href="/xwdt/">新闻动态</a><a href="/zcwj/">政策文件</a>'
       '<a href="/zfxxgk/">政府信息公开</a><a href="/bsfw/">办事服务</a><a href="/hdjl/">互动交流</a></div>')


def _footer(extra: str = "") -> str:
    return ('<div class="links">相关链接：<a href="https://www.gov.cn/">中国政府网</a> '
            '<a href="http://www.beijing.gov.cn/">北京市人民政府</a> <a href="https://www.12377.cn/">违法和不良信息举报中心</a>'
            f'{extra}</div><footer><p>主办单位：监测基准网站办公室 承办：信息中心 联系电话：010-62750000</p>'
            '<p>京ICP备00000001号 京公网安备11000002000001号 网站标识码：9000000000</p>'
            '<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show">党政机关</a></span></footer>')


def _page(title: str, body: str, extra_links: str = "") -> bytes:
    head = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="stylesheet" href="/css/main.css"><script>var _hmt = _hmt || []; (function(){ var hm = '
            'document.createElement("script"); hm.src = "/js/stat.js"; })();</script></head><body>')
    return (head + NAV + body + _footer(extra_links) + "</body></html>").encode()


def homepage(kind: int, today: date) -> bytes:
    newest = today - timedelta(days=30) if kind == STALE_HOME else today
    news = _items(90, newest, 1, "/xwdt/")
    notices = _items(50, newest - timedelta(days=2), 5, "/tzgg/")
    errors = ""
    if kind == DICTIONARY:
        errors = ('<div class="news"><h2>专题</h2><ul><li><a href="/zt/1.html">国土资源部调研组来我市调研</a>'
                  f'<span>{today:%Y-%m-%d}</span></li><li><a href="/zt/2.html">驳斥台湾政府错误言论座谈会举行</a>'
                  f'<span>{today:%Y-%m-%d}</span></li></ul></div>')
    outlink = ' <a href="https://www.bench-casino.example.com/">精彩推荐</a>' if kind == OUTLINK else ""
    body = (f'<div class="banner"><h1>监测基准人民政府门户网站</h1></div><div class="news"><h2>要闻动态</h2><ul>{news}</ul></div>'
            f'<div class="notice"><h2>通知公告</h2><ul>{notices}</ul></div>{errors}'
            '<div class="service"><h2>办事服务</h2><ul>' +
            "".join(f'<li><a href="/bsfw/{k}.html">{t}</a></li>' for k, t in enumerate(TOPICS)) + "</ul></div>")
    return _page("监测基准人民政府门户网站", body, outlink)


def column_page(name: str, newest: date, step: int, count: int = 40) -> bytes:
    body = (f'<div class="crumb">当前位置：首页 &gt; {name}</div><div class="list"><h2>{name}</h2><ul>'
            f'{_items(count, newest, step, "./")}</ul></div><div class="pages">共{count}条 第1页</div>')
    return _page(name, body)


def blank_page(name: str) -> bytes:
    return _page(name, f'<div class="crumb">当前位置：首页 &gt; {name}</div><div class="list"><h2>{name}</h2>'
                       '<p class="empty">暂无信息</p></div>')


def messages_page(kind: int, today: date) -> bytes:
    rows = []
    for i in range(20):
        asked = today - timedelta(days=2 + i * 3)
        rows.append(f'<tr><td><a href="./{1000 + i}.html">{_title(i)}的咨询</a></td><td>{asked:%Y-%m-%d}</td>'
                    f'<td>已回复</td><td>{asked + timedelta(days=2):%Y-%m-%d}</td></tr>')
    if kind == UNANSWERED:
        asked = today - timedelta(days=120)
        rows.append(f'<tr><td><a href="./999.html">关于小区供暖问题的咨询</a></td><td>{asked:%Y-%m-%d}</td>'
                    '<td>未回复</td><td></td></tr>')
    body = ('<div class="crumb">当前位置：首页 &gt; 互动交流 &gt; 留言</div><table class="messages">'
            '<tr><th>标题</th><th>留言时间</th><th>状态</th><th>回复时间</th></tr>' + "".join(rows) + "</table>")
    return _page("留言", body)


class Pages:
    """The bench sites' pages, made once per scenario and path (the dates follow the server's day)."""

    def __init__(self):
        self.cache: dict = {}
        self.day = None

    def get(self, path: str) -> bytes | None:
        """The page of `/bench<n>.gov.cn/<path>`, or None (not a bench site, or no such page: 404)."""
        match = HOST.match(path)
        if not match:
            return None
        kind, rest = scenario(int(match.group(1))), match.group(2)
        today = _today()
        if today != self.day:
            self.cache, self.day = {}, today
        key = (kind, rest)
        if key not in self.cache:
            self.cache[key] = self._make(kind, rest, today)
        return self.cache[key]

    @staticmethod
    def _make(kind: int, path: str, today: date) -> bytes | None:
        if path == "/":
            return homepage(kind, today)
        if path == "/zcwj/":
            return column_page("政策文件", today - timedelta(days=3), 6)
        if path == "/bsfw/":
            return column_page("办事服务", today - timedelta(days=1), 4)
        if path == "/hdjl/":
            return messages_page(kind, today)
        extra = re.fullmatch(r"/(zt|tzgg)(\d)/", path)
        if extra and int(extra.group(2)) < EXTRA:
            number = int(extra.group(2))
            if extra.group(1) == "zt" and kind == BLANK:
                return blank_page(f"专题{number}") if number < 6 else column_page(f"专题{number}", today, 7)
            if extra.group(1) == "tzgg" and kind == STALE_NOTICE:
                newest = today - timedelta(days=200) if number < 6 else today - timedelta(days=5)
                return column_page(f"通知公告{number}", newest, 7)
        return None


# About one account page in this many (by a hash of its path and query) shows a dictionary error.
ACCOUNT_ERROR_EVERY = 50


def account_pages(published: int) -> tuple[bytes, bytes]:
    """The accounts' page (a post at `published`, a Unix time, as 抖音/头条 pages embed it) and the
    same with a dictionary error."""
    page = ('<html><head><meta charset="utf-8"><title>政务账号</title></head><body><script>{"publish_time":%d}</script>'
            '<div class="profile"><h1>政务发布</h1><p>权威发布 便民服务 政策解读</p></div>%s</body></html>')
    return (page % (published, "")).encode(), (page % (published, "<p>国家旅游局发布假期出游提示</p>")).encode()
