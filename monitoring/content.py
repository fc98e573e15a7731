"""Reading a fetched page for the inspection indicators (issue 27 item 2, decision 0045): the
publication dates it shows, whether a 栏目 is blank, 严重表述错误 against the dictionary, outbound
links, and the messages of a 留言 list with their dates. Plain functions on text: no network, no
ORM (the worker threads call them)."""
from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from urllib.parse import urljoin, urlsplit

from .readers import BEIJING

_DATE = re.compile(r"(?<!\d)(20\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?:\s*日)?(?!\d)")
_TIME_TAG = re.compile(r"<time[^>]*\bdatetime\s*=\s*[\"']?(\d{4}-\d{2}-\d{2})", re.I)
_FEED_DATE = re.compile(r"<(?:pubDate|updated|published|dc:date)>\s*([^<]+?)\s*</", re.I)
_FEED_LINK = re.compile(r"<link[^>]+type\s*=\s*[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I)
_HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"']+)[\"']", re.I)
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def visible_text(html: str) -> str:
    """The page's text without scripts, styles and tags, whitespace collapsed."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", _SCRIPT.sub(" ", html)))).strip()


def _valid(y: int, m: int, d: int, today: date) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    return value if date(2000, 1, 1) <= value <= today else None


def page_dates(html: str, today: date) -> list[date]:
    """Every publication date the page shows (text dates in the usual Chinese forms, <time
    datetime>, RSS/Atom item dates), none in the future."""
    found = []
    text = _SCRIPT.sub(" ", html)
    for y, m, d in _DATE.findall(text):
        found.append(_valid(int(y), int(m), int(d), today))
    for iso in _TIME_TAG.findall(html):
        found.append(_valid(*map(int, iso.split("-")), today))
    for raw in _FEED_DATE.findall(html):
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            try:
                moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                continue
        local = moment.astimezone(BEIJING).date() if moment.tzinfo else moment.date()
        found.append(local if date(2000, 1, 1) <= local <= today else None)
    return [d for d in found if d is not None]


def last_modified(headers: dict, today: date) -> date | None:
    raw = (headers or {}).get("last-modified")
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(raw).astimezone(BEIJING).date()
    except (TypeError, ValueError):
        return None
    return value if value <= today else None


def feed_url(html: str, base: str) -> str:
    """The RSS/Atom feed the page offers (<link rel=alternate type=application/rss+xml>), if any."""
    match = _FEED_LINK.search(html)
    href = _HREF.search(match.group(0)) if match else None
    return urljoin(base, unescape(href.group(1))) if href else ""


def is_blank(html: str, dates: list[date], markers: list[str], min_chars: int) -> bool:
    """空白栏目: the page says it has nothing (暂无信息 …), or shows no dated entry and almost no text."""
    text = visible_text(html)
    if any(m and m in text for m in markers):
        return True
    return not dates and len(text.replace(" ", "")) < min_chars


def expression_errors(text: str, rules: list[tuple[str, str, list[str]]], limit: int = 20) -> list[dict]:
    """Occurrences of each wrong form (wrong, right, exceptions) not inside one of its exceptions;
    with the surrounding words as evidence."""
    found = []
    for wrong, right, exceptions in rules:
        start = 0
        while (at := text.find(wrong, start)) >= 0:
            start = at + len(wrong)
            if any(_covers(text, at, len(wrong), e) for e in exceptions):
                continue
            found.append({"wrong": wrong, "right": right, "context": text[max(0, at - 15): at + len(wrong) + 15]})
            if len(found) >= limit:
                return found
    return found


def _covers(text: str, at: int, length: int, exception: str) -> bool:
    """Does an occurrence of `exception` in text span the wrong form found at `at`?"""
    if not exception:
        return False
    lo = max(0, at - len(exception))
    start = lo
    while (pos := text.find(exception, start, at + length + len(exception))) >= 0:
        if pos <= at and pos + len(exception) >= at + length:
            return True
        start = pos + 1
    return False


_ANCHOR = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>", re.I | re.S)


def links(html: str, base: str, absolute_only: bool = False) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every http(s) <a href> of the page. With absolute_only, only
    links written with a host (http://, https://, //): relative links stay on the site."""
    out = []
    for double, single, bare, inner in _ANCHOR.findall(_SCRIPT.sub(" ", html)):
        href = unescape(double or single or bare).strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if absolute_only and not href.lower().startswith(("http://", "https://", "//")):
            continue
        url = urljoin(base, href)
        if url.lower().startswith(("http://", "https://")):
            out.append((url, _SPACE.sub(" ", unescape(_TAG.sub(" ", inner))).strip()))
    return out


def _domain_allowed(host: str, allowed: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == a or host.endswith("." + a) for a in (x.lower().strip(". ") for x in allowed) if a)


def site_domain(url: str) -> str:
    """The site's own domain for the outbound-link check: its host without a leading www."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def outbound_links(html: str, base: str, own: list[str], allowed: list[str]) -> list[dict]:
    """Links to a domain that is neither the site's own nor on the allow-list (suffix match:
    "gov.cn" allows every *.gov.cn)."""
    found, seen = [], set()
    for url, text in links(html, base, absolute_only=True):
        host = (urlsplit(url).hostname or "").lower()
        if not host or _domain_allowed(host, own + allowed) or url in seen:
            continue
        seen.add(url)
        found.append({"url": url, "text": text[:60], "domain": host, "page": base})
    return found


_BLOCK = re.compile(r"<(tr|li)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_ANSWERED = re.compile(r"已回复|已答复|已办结|已处理|回复时间|答复时间|回复日期|答复日期")
_OPEN = re.compile(r"未回复|待回复|未答复|待答复|未办结|办理中|处理中|待处理")


def messages(html: str, today: date) -> list[dict]:
    """The messages of a 留言 list (one per <tr> or <li> with a date): when asked, whether answered
    (已回复/回复时间…, or a second, later date), and the row's words."""
    rows = []
    for _, inner in _BLOCK.findall(html):
        dates = sorted(set(page_dates(inner, today)))
        if not dates:
            continue
        text = visible_text(inner)
        answered = bool(_ANSWERED.search(text)) and not _OPEN.search(text) or (len(dates) > 1 and not _OPEN.search(text))
        rows.append({"asked": dates[0].isoformat(), "answered": answered, "text": text[:80]})
    return rows
