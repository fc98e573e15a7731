"""The content checks of a website for the inspection indicators (issue 27 item 2, decision 0045),
on the homepage and the 栏目 pages the run already fetched: homepage and per-栏目 latest
publication date (dates in the page, <time>, the RSS/Atom feed it offers, Last-Modified), 空白栏目,
严重表述错误, 非法外链, 互动回应. Thresholds come from the indicators (`config`, read once per chunk);
a kind whose indicator is disabled is not checked."""
from __future__ import annotations

import re
from datetime import date

from . import conf
from .outcome import Outcome, normalise_url
from .content import (expression_errors, feed_url, is_blank, last_modified, messages, outbound_links, page_dates,
                      site_domain, visible_text)
from govmedia.fetch.fetchers import Fetcher, Page
from .models import Kind

NO_DATE = "无发布日期"


def column_entries(columns: dict) -> list[dict]:
    """{category, name, url} of every 栏目 the filing lists (names and URLs joined with ；, in order)."""
    found, seen = [], set()
    for category, value in (columns or {}).items():
        if not isinstance(value, dict):
            continue
        urls = [u.strip() for u in re.split(r"[；;\s]+", value.get("urls", "") or "") if u.strip() and u.strip() != "无"]
        names = [n.strip() for n in re.split(r"[；;]+", value.get("names", "") or "") if n.strip()]
        for index, url in enumerate(urls):
            url = normalise_url(url)
            if url not in seen:
                seen.add(url)
                found.append({"category": category, "name": names[index] if index < len(names) else category, "url": url})
    return found


def latest_date(page: Page, fetcher: Fetcher, today: date) -> tuple[date | None, str]:
    """The newest publication date a page shows, and where it was read: the page's own dates, else
    the RSS/Atom feed it offers, else its Last-Modified header."""
    text = page.text
    dates = page_dates(text, today)
    if dates:
        return max(dates), "page"
    feed = feed_url(text, page.final_url or page.url)
    if feed:
        answer = fetcher.get(feed)
        if answer.ok:
            dates = page_dates(answer.text, today)
            if dates:
                return max(dates), "feed"
    modified = last_modified(page.headers, today)
    return (modified, "last-modified") if modified else (None, "")


def _has(name: str, words) -> bool:
    return any(w and w in name for w in words or ())


def _stale_list(items, limit_of) -> list[dict]:
    stale = []
    for c in items:
        limit = limit_of(c)
        if limit is None:
            continue
        if c["latest"] is None or c["days"] > limit:
            stale.append({"name": c["name"], "url": c["url"], "latest": c["latest"] or NO_DATE, "days": c["days"],
                          "limit": limit})
    return stale


def check_content(site: dict, fetcher: Fetcher, today: date, home: Page | None, pages: dict, config: dict) -> list[Outcome]:
    rules = {k: v for k, v in config.items() if conf.check_enabled(k)}
    wanted = [k for k in (Kind.HOME_UPDATE, Kind.KEY_COLUMNS, Kind.COLUMN_UPDATE, Kind.BLANK_COLUMNS, Kind.EXPRESSION,
                          Kind.OUTLINKS, Kind.INTERACTION) if k in rules]
    if not wanted:
        return []
    if home is None or not home.ok:
        return [Outcome(k, None, "首页无法访问，未检查") for k in wanted]
    out: list[Outcome] = []
    if Kind.HOME_UPDATE in rules:
        latest, source = latest_date(home, fetcher, today)
        limit = int(rules[Kind.HOME_UPDATE].get("days", 14))
        if latest is None:
            out.append(Outcome(Kind.HOME_UPDATE, False, "首页未读到发布日期（无发布日期的信息视为未更新）",
                               data={"url": home.url, "latest": None}))
        else:
            days = (today - latest).days
            stale = days > limit
            out.append(Outcome(Kind.HOME_UPDATE, not stale,
                               f"首页已 {days} 天未更新（最近发布 {latest:%Y-%m-%d}）" if stale else f"首页最近发布 {latest:%Y-%m-%d}",
                               data={"url": home.url, "latest": latest.isoformat(), "days": days, "source": source}))
    entries = column_entries(site.get("columns"))[: conf.get("MONITORING_MAX_COLUMN_URLS")]
    columns = []
    for entry in entries:
        page = pages.get(entry["url"]) or fetcher.get(entry["url"])
        pages[entry["url"]] = page
        if not page.ok:
            continue
        latest, source = latest_date(page, fetcher, today)
        blank = rules.get(Kind.BLANK_COLUMNS, {})
        columns.append({**entry, "page": page, "latest": latest.isoformat() if latest else None,
                        "days": (today - latest).days if latest else None, "source": source,
                        "blank": is_blank(page.text, [latest] if latest else [], blank.get("markers", []),
                                          int(blank.get("min_chars", 20)))})
    out += _column_outcomes(rules, entries, columns)
    texts = [(home.url, home.text)] + [(c["url"], c["page"].text) for c in columns]
    if Kind.EXPRESSION in rules:
        out.append(expression_outcome(texts, config.get("dictionary", []), rules[Kind.EXPRESSION]))
    if Kind.OUTLINKS in rules:
        own = [site_domain(site["homepage"] if "://" in site["homepage"] else "http://" + site["homepage"]),
               site_domain(home.final_url or home.url)]
        allowed = list(rules[Kind.OUTLINKS].get("allowed_domains", []))
        found = []
        for url, text in texts:
            found += outbound_links(text, url, [d for d in own if d], allowed)
        need = int(rules[Kind.OUTLINKS].get("count", 1))
        listed = "；".join(f"“{f['text'] or f['url']}”→{f['domain']}" for f in found[:5])
        out.append(Outcome(Kind.OUTLINKS, len(found) < need,
                           f"{len(found)} 个链接指向允许清单以外的域名：{listed}"[:500] if len(found) >= need else
                           f"未发现允许清单以外的外链（检查 {len(texts)} 个页面）",
                           data={"links": found[:50], "count": len(found), "pages": len(texts)}))
    if Kind.INTERACTION in rules:
        out.append(_interaction(rules[Kind.INTERACTION], columns, today))
    return out


def expression_outcome(texts: list[tuple[str, str]], dictionary, thresholds: dict) -> Outcome:
    found = []
    for url, html in texts:
        for error in expression_errors(visible_text(html), dictionary):
            found.append({**error, "url": url})
    need = int(thresholds.get("count", 1))
    listed = "；".join(f"“{e['wrong']}”应为“{e['right']}”" for e in found[:5])
    return Outcome(Kind.EXPRESSION, len(found) < need,
                   f"发现 {len(found)} 处严重表述错误：{listed}"[:500] if len(found) >= need else "未发现词库中的严重表述错误",
                   data={"errors": found[:50], "count": len(found)})


def _column_outcomes(rules: dict, entries: list[dict], columns: list[dict]) -> list[Outcome]:
    out = []
    wanted = [k for k in (Kind.KEY_COLUMNS, Kind.COLUMN_UPDATE, Kind.BLANK_COLUMNS) if k in rules]
    if not entries or not columns:
        reason = "未填报栏目地址" if not entries else "栏目页面均无法访问，未检查"
        return [Outcome(k, None, reason) for k in wanted]
    key = rules.get(Kind.KEY_COLUMNS, {})

    def key_limit(c):
        if _has(c["name"], key.get("dynamic_names", ["动态", "要闻", "新闻"])):
            return int(key.get("dynamic_days", 14))
        if _has(c["name"], key.get("notice_names", ["通知", "公告", "政策文件"])) or \
                c["category"] in key.get("notice_categories", ["政策文件"]):
            return int(key.get("notice_days", 183))
        return None

    if Kind.KEY_COLUMNS in rules:
        stale = _stale_list(columns, key_limit)
        need = int(key.get("count", 5))
        out.append(Outcome(Kind.KEY_COLUMNS, len(stale) < need, _stale_detail("动态要闻、通知公告类栏目", stale, need),
                           data={"stale": stale, "count": len(stale), "checked": len(columns)}))
    if Kind.COLUMN_UPDATE in rules:
        general = rules[Kind.COLUMN_UPDATE]

        def any_limit(c):
            limit = key_limit(c)
            if limit is not None:
                return limit
            return int(general.get("days", 365)) if c["category"] in general.get("categories", []) else None

        stale = _stale_list(columns, any_limit)
        need = int(general.get("count", 10))
        out.append(Outcome(Kind.COLUMN_UPDATE, len(stale) < need, _stale_detail("应更新栏目", stale, need),
                           data={"stale": stale, "count": len(stale), "checked": len(columns)}))
    if Kind.BLANK_COLUMNS in rules:
        blank = [{"name": c["name"], "url": c["url"]} for c in columns if c["blank"]]
        need = int(rules[Kind.BLANK_COLUMNS].get("count", 5))
        listed = "、".join(b["name"] for b in blank[:8])
        out.append(Outcome(Kind.BLANK_COLUMNS, len(blank) < need,
                           f"空白栏目 {len(blank)} 个：{listed}"[:500] if blank else f"{len(columns)} 个栏目均有内容",
                           data={"blank": blank, "count": len(blank), "checked": len(columns)}))
    return out


def _stale_detail(what: str, stale: list[dict], need: int) -> str:
    if not stale:
        return f"{what}均按时更新"
    listed = "；".join(f"{s['name']}（{s['latest']}）" for s in stale[:6])
    verdict = "" if len(stale) >= need else f"（未达 {need} 个）"
    return f"{what}未更新 {len(stale)} 个{verdict}：{listed}"[:500]


def _interaction(thresholds: dict, columns: list[dict], today: date) -> Outcome:
    lists = [c for c in columns if c["category"] in thresholds.get("categories", ["互动交流"])
             or _has(c["name"], thresholds.get("names", ["留言", "咨询", "信箱", "互动"]))]
    rows = [{**m, "column": c["name"], "url": c["url"]} for c in lists for m in messages(c["page"].text, today)]
    if not rows:
        return Outcome(Kind.INTERACTION, None, "未找到带日期的留言列表，未检查")
    late, within = int(thresholds.get("days", 90)), int(thresholds.get("within_days", 365))
    overdue = [r for r in rows if not r["answered"] and late < (today - date.fromisoformat(r["asked"])).days <= within]
    if overdue:
        first = overdue[0]
        return Outcome(Kind.INTERACTION, False,
                       f"{len(overdue)} 条留言超过 {late} 天未回复，如 {first['asked']}：{first['text'][:40]}"[:500],
                       data={"overdue": overdue[:20], "count": len(overdue), "messages": len(rows)})
    return Outcome(Kind.INTERACTION, True, f"留言 {len(rows)} 条，无超过 {late} 天未回复的留言",
                   data={"messages": len(rows)})
