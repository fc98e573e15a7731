"""Latest-post readers, one per platform with a public page (shared PLATFORMS.md): each says which
URL to fetch for an account and reads the date of the newest post from what comes back. Platforms
without a reader are skipped (the check records 无法读取, never a finding).

Register a reader with `@register("XX")`. Endpoints of platform APIs come from
MONITORING_PLATFORM_ENDPOINTS, so a deployment can point them at a gateway or mirror.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from . import conf

BEIJING = ZoneInfo("Asia/Shanghai")
READERS: dict[str, "Reader"] = {}


def register(*codes: str):
    def wrap(cls):
        for code in codes:
            READERS[code] = cls()
        return cls
    return wrap


def reader_for(account_type: str) -> "Reader | None":
    return READERS.get(account_type)


def _epoch_date(value) -> date | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    if seconds > 10**11:   # milliseconds
        seconds //= 1000
    if seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, BEIJING).date()


def _newest(dates, today: date) -> date | None:
    """The newest date not in the future (a page's clock or a pinned post far ahead is ignored)."""
    found = [d for d in dates if d is not None and d <= today]
    return max(found) if found else None


class Reader:
    def source_url(self, account: dict) -> str:
        return account["url"]

    def latest(self, text: str, today: date) -> date | None:  # pragma: no cover - interface
        raise NotImplementedError


def _endpoint(code: str) -> str:
    return conf.get("MONITORING_PLATFORM_ENDPOINTS").get(code, "").rstrip("/")


@register("WB")
class WeiboReader(Reader):
    """新浪微博: the mobile site's container API lists the user's posts with `created_at`
    (e.g. "Tue Dec 01 10:00:00 +0800 2026")."""

    def source_url(self, account):
        uid = account["platform_id"]
        return f"{_endpoint('WB')}/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"

    def latest(self, text, today):
        try:
            cards = json.loads(text).get("data", {}).get("cards", [])
        except (ValueError, AttributeError):
            return None
        dates = []
        for card in cards:
            created = (card.get("mblog") or {}).get("created_at", "") if isinstance(card, dict) else ""
            try:
                dates.append(datetime.strptime(created, "%a %b %d %H:%M:%S %z %Y").astimezone(BEIJING).date())
            except ValueError:
                continue
        return _newest(dates, today)


@register("BL")
class BilibiliReader(Reader):
    """哔哩哔哩: the space's video list (`data.list.vlist[].created`, epoch seconds)."""

    def source_url(self, account):
        return f"{_endpoint('BL')}/x/space/arc/search?mid={account['platform_id']}&ps=5&pn=1&order=pubdate"

    def latest(self, text, today):
        try:
            videos = json.loads(text)["data"]["list"]["vlist"]
        except (ValueError, KeyError, TypeError):
            return None
        return _newest([_epoch_date(v.get("created")) for v in videos if isinstance(v, dict)], today)


_EPOCH_FIELDS = re.compile(r'"(?:publish_time|publishTime|create_time|createTime|behot_time|ctime)"\s*:\s*"?(\d{10,13})')
_TIME_TAGS = re.compile(r'<time[^>]+datetime="(\d{4}-\d{2}-\d{2})|'
                        r'property="article:(?:published|modified)_time"\s+content="(\d{4}-\d{2}-\d{2})')


@register("TT", "DY")
class EmbeddedDataReader(Reader):
    """今日头条, 抖音 (web): the account's public page embeds its first posts as JSON with epoch
    fields (publish_time, create_time …), or marks them with <time datetime=…>."""

    def latest(self, text, today):
        dates = [_epoch_date(m) for m in _EPOCH_FIELDS.findall(text)]
        for iso in _TIME_TAGS.findall(text):
            value = next((v for v in iso if v), "")
            try:
                dates.append(date.fromisoformat(value))
            except ValueError:
                continue
        return _newest(dates, today)
