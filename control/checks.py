"""Reading where the code was placed (0058): every page through the monitoring fetcher (its address
guard included), the platform readers where a platform has one, DNS through control/dns.py.

`check_account` / `check_website` return an `Outcome`: found (and how), not found (and why), or
not checked (nothing answered: the guard refused, the gate gave up, the host did not answer) —
a not-checked outcome never moves a proof's state.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from monitoring.checks import normalise_url
from monitoring.readers import reader_for

from .codes import appears_in
from .dns import RECORD_PREFIX
from .models import Method

WELL_KNOWN_FILE = "/.well-known/govmedia-verification.txt"
META_NAME = "govmedia-verification"
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""(name|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


@dataclass
class Outcome:
    found: bool | None          # None: nothing could be read (never moves the state)
    method: str = ""
    note: str = ""


def readable(account_type: str) -> bool:
    """A platform whose public pages a reader understands (monitoring/readers.py); the others are
    无法自动验证 and go the manual way."""
    return reader_for(account_type) is not None


def _pages(fetcher, urls):
    """Fetch each URL once; yield (url, page)."""
    seen = set()
    for url in urls:
        if url and url not in seen:
            seen.add(url)
            yield url, fetcher.get(url)


def _read(fetcher, urls, code, method) -> Outcome:
    answered, reasons = False, []
    for _url, page in _pages(fetcher, urls):
        if page.ok is None:
            reasons.append(page.error or "未检查")
            continue
        if page.status is None:
            reasons.append(page.problem())
            continue
        answered = True
        if page.ok and appears_in(code, page.text):
            return Outcome(True, method, "已找到验证码")
        if not page.ok:
            reasons.append(page.problem())
    if not answered:
        return Outcome(None, note="未检查：" + ("；".join(dict.fromkeys(reasons)) or "无法读取"))
    return Outcome(False, note="未找到验证码" + (f"（{'；'.join(dict.fromkeys(reasons))}）" if reasons else ""))


def check_account(account, code: str, fetcher) -> Outcome:
    reader = reader_for(account.account_type)
    if reader is None:
        return Outcome(None, note="该平台无法自动读取，请上传截图人工核验")
    data = {"url": account.url, "platform_id": account.platform_id}
    return _read(fetcher, [normalise_url(account.url), reader.source_url(data)], code, Method.BIO)


def meta_codes(html: str) -> list[str]:
    """The content of every <meta name="govmedia-verification" content="…"> (any attribute order)."""
    out = []
    for tag in _META.findall(html):
        attrs = {m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None) for m in _ATTR.finditer(tag)}
        if attrs.get("name", "").lower() == META_NAME:
            out.append(attrs.get("content", ""))
    return out


def well_known(url: str, path: str) -> str:
    parts = urlsplit(normalise_url(url))
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def check_website(website, code: str, fetcher, resolver) -> Outcome:
    homepage = normalise_url(website.homepage)
    reasons, answered = [], False
    page = fetcher.get(homepage)
    if page.ok:
        answered = True
        if any(appears_in(code, value) for value in meta_codes(page.text)):
            return Outcome(True, Method.META, "首页meta标签含验证码")
    else:
        reasons.append(page.problem())
    page = fetcher.get(well_known(homepage, WELL_KNOWN_FILE))
    if page.ok is not None and page.status is not None:
        answered = True
        if page.ok and appears_in(code, page.text[:2000]):
            return Outcome(True, Method.FILE, "验证文件含验证码")
    host = urlsplit(homepage).hostname or ""
    if host and not re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        records = resolver.txt(host)
        answered = True
        if any(r.strip().startswith(RECORD_PREFIX) and appears_in(code, r) for r in records):
            return Outcome(True, Method.DNS, "DNS TXT记录含验证码")
    if not answered:
        return Outcome(None, note="未检查：" + ("；".join(dict.fromkeys(reasons)) or "无法读取"))
    return Outcome(False, note="未找到验证码（首页meta标签、验证文件、DNS TXT记录）")
