"""The checks of one website or one account, on a plain snapshot (no ORM in the worker threads).
Each returns Outcomes: `ok` True / False (a finding) / None (not checkable now)."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from . import conf
from govmedia.fetch.fetchers import Fetcher, Page, days_left
from .models import Kind
from .outcome import HTTP, Outcome, normalise_url  # noqa: F401  (re-exported: control, the runner and the tests read them here)
from .readers import reader_for
from .site_content import check_content, expression_outcome

def _page_data(page: Page) -> dict:
    return {"final_url": page.final_url, "redirects": page.redirects}


# --- websites ------------------------------------------------------------------------------------

def column_urls(columns: dict) -> list[tuple[str, str]]:
    """(栏目类别, URL) of every 栏目 address the filing lists (the form joins them with ；)."""
    found, seen = [], set()
    for category, value in (columns or {}).items():
        for url in re.split(r"[；;\s]+", (value or {}).get("urls", "") if isinstance(value, dict) else ""):
            url = url.strip()
            if url and url != "无" and url not in seen:
                seen.add(url)
                found.append((category, normalise_url(url)))
    return found


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _marks_missing(site: dict, html: str) -> list[str]:
    """The filing's marks the homepage does not show: the ICP number (京ICP备12345678号, a page may
    add -1), and the 公安机关备案 number where the filing has one (its digits)."""
    flat = re.sub(r"\s+", "", html)
    missing = []
    icp = re.sub(r"\s+", "", site.get("icp_number") or "")
    core = re.sub(r"号(-\d+)?$", "", icp)
    if core and core not in flat:
        missing.append(f"ICP备案编号（{icp}）")
    police = _digits(site.get("police_record") or "")
    if police and police not in _digits(flat):
        missing.append(f"公安机关备案标识（{site['police_record']}）")
    return missing


def check_website(site: dict, fetcher: Fetcher, today: date, config: dict | None = None) -> list[Outcome]:
    """The checks of one website; with `config` (the indicators' thresholds and the dictionary,
    indicators.load_config) also the content checks of the inspection indicators."""
    out: list[Outcome] = []
    homepage = normalise_url(site["homepage"])
    content = (config or {}).get("website") or {}
    pages: dict = {}
    needs_home = conf.check_enabled(Kind.HOMEPAGE) or conf.check_enabled(Kind.MARKS) or bool(content)
    page = fetcher.get(homepage) if needs_home else None
    if page is not None and conf.check_enabled(Kind.HOMEPAGE):
        detail = f"HTTP {page.status}，{page.elapsed_ms} 毫秒" if page.ok else f"首页无法访问：{page.problem()}"
        if page.ok is None:  # no slot on the host in time (0034) or an address refused (0043): never a finding
            detail = f"首页未检查：{page.problem()}"
        out.append(Outcome(Kind.HOMEPAGE, page.ok, detail, page.status, page.elapsed_ms, _page_data(page)))
    if page is not None and conf.check_enabled(Kind.MARKS):
        if not page.ok:
            out.append(Outcome(Kind.MARKS, None, "首页无法访问，未检查备案标识"))
        else:
            missing = _marks_missing(site, page.text)
            out.append(Outcome(Kind.MARKS, not missing, "首页未展示" + "、".join(missing) if missing else "首页已展示备案标识",
                               data={"missing": missing}))
    if conf.check_enabled(Kind.TLS):
        out.append(_check_tls(page.final_url if page is not None and page.final_url else homepage, fetcher))
    if conf.check_enabled(Kind.COLUMNS):
        out.append(_check_columns(site, fetcher, pages))
    if content:
        out += check_content(site, fetcher, today, page, pages, {**content, "dictionary": config.get("dictionary", [])})
    return out


def _check_tls(url: str, fetcher: Fetcher) -> Outcome:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return Outcome(Kind.TLS, None, "未使用 HTTPS")
    cert = fetcher.certificate(parts.hostname, parts.port or 443)
    if cert.error:
        return Outcome(Kind.TLS, None, f"未能读取证书：{cert.error}")
    left = days_left(cert)
    data = {"not_after": cert.not_after.isoformat(), "days_left": left, "verified": cert.verified,
            "verify_error": cert.verify_error}
    if left < 0:
        return Outcome(Kind.TLS, False, f"HTTPS证书已于 {cert.not_after:%Y-%m-%d} 过期", data=data)
    note = f"证书剩余 {left} 天（{cert.not_after:%Y-%m-%d} 到期）"
    if left <= conf.get("MONITORING_CERT_WARN_DAYS"):
        note += "，即将到期"
    if not cert.verified:
        note += f"；证书未通过校验：{cert.verify_error}"
    return Outcome(Kind.TLS, True, note, data=data)


def _check_columns(site: dict, fetcher: Fetcher, pages: dict | None = None) -> Outcome:
    urls = column_urls(site.get("columns"))
    if not urls:
        return Outcome(Kind.COLUMNS, None, "未填报栏目地址")
    limit = conf.get("MONITORING_MAX_COLUMN_URLS")
    broken, unchecked = [], 0
    for category, url in urls[:limit]:
        page = fetcher.get(url)
        if pages is not None:
            pages[url] = page   # the content checks read the same pages
        if page.ok is None:
            unchecked += 1
        elif not page.ok:
            broken.append({"category": category, "url": url, "problem": page.problem()})
    checked = min(len(urls), limit) - unchecked
    if not checked:
        return Outcome(Kind.COLUMNS, None, "栏目链接未检查")
    if broken:
        listed = "；".join(f"{b['category']} {b['url']}（{b['problem']}）" for b in broken[:5])
        more = f" 等 {len(broken)} 个" if len(broken) > 5 else ""
        return Outcome(Kind.COLUMNS, False, f"栏目链接不可用：{listed}{more}"[:500],
                       data={"broken": broken[:50], "checked": checked})
    return Outcome(Kind.COLUMNS, True, f"{checked} 个栏目链接均可访问", data={"checked": checked})


# --- accounts ------------------------------------------------------------------------------------

def check_account(account: dict, fetcher: Fetcher, today: date, config: dict | None = None) -> list[Outcome]:
    url = normalise_url(account["url"])
    is_app = account["account_type"] == "KH"
    link_kind = Kind.APP_DOWNLOAD if is_app else Kind.ACCOUNT_LINK
    out: list[Outcome] = []
    page = None
    if conf.check_enabled(link_kind):
        if not url.lower().startswith(HTTP):
            out.append(Outcome(link_kind, None, "链接不是网页地址，未检查"))
        else:
            page = fetcher.get(url)
            what = "下载链接" if is_app else "账号链接"
            detail = f"HTTP {page.status}，{page.elapsed_ms} 毫秒" if page.ok else f"{what}无法访问：{page.problem()}"
            if page.ok is None:
                detail = f"{what}未检查：{page.problem()}"
            out.append(Outcome(link_kind, page.ok, detail, page.status, page.elapsed_ms, _page_data(page)))
    rules = (config or {}).get("account") or {}
    if not is_app and conf.check_enabled(Kind.ACCOUNT_UPDATE):
        limit = (rules.get(Kind.ACCOUNT_UPDATE) or {}).get("days", conf.get("MONITORING_STALE_DAYS"))
        out.append(_check_update(account, fetcher, page, today, int(limit)))
    if not is_app and Kind.EXPRESSION in rules and conf.check_enabled(Kind.EXPRESSION):
        if page is None or not page.ok:
            out.append(Outcome(Kind.EXPRESSION, None, "账号页面无法访问，未检查"))
        else:
            out.append(expression_outcome([(url, page.text)], config.get("dictionary", []), rules[Kind.EXPRESSION]))
    return out


def _check_update(account: dict, fetcher: Fetcher, link_page: Page | None, today: date, limit: int | None = None) -> Outcome:
    reader = reader_for(account["account_type"])
    if reader is None:
        return Outcome(Kind.ACCOUNT_UPDATE, None, "该平台暂不支持读取更新日期")
    source = reader.source_url(account)
    page = link_page if link_page is not None and source == link_page.url else fetcher.get(source)
    if not page.ok:
        return Outcome(Kind.ACCOUNT_UPDATE, None, f"未能读取账号主页：{page.problem()}", page.status, page.elapsed_ms)
    latest = reader.latest(page.text, today)
    if latest is None:
        return Outcome(Kind.ACCOUNT_UPDATE, None, "页面中未读到发布日期", page.status, page.elapsed_ms)
    days = (today - latest).days
    data = {"latest": latest.isoformat(), "days": days}
    stale = days > (conf.get("MONITORING_STALE_DAYS") if limit is None else limit)
    detail = f"已 {days} 天未更新（最近发布 {latest:%Y-%m-%d}）" if stale else f"最近发布 {latest:%Y-%m-%d}"
    return Outcome(Kind.ACCOUNT_UPDATE, not stale, detail, page.status, page.elapsed_ms, data)
