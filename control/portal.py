"""A portal lists its own accounts (issue 28, 0059): /.well-known/govmedia-accounts.json, read for
every registered site through the monitoring fetcher, compared with the registry in both
directions — listed but not registered, registered (under the site's org unit) but not listed —
each disagreement a `PortalItem` 待核查 until the next reading no longer shows it or the org unit
marks it handled. A list that is absent is nobody's problem (未公布); a malformed one is reported
on the site (格式错误, with the reason) and changes no item; one site's failure never stops the run.
"""
from __future__ import annotations

import json
import logging

from django.db import transaction
from django.utils import timezone

from accounts_media.platforms import TYPE_BY_CODE, PlatformIdError, extract_platform_id, normalise_url
from govmedia.fetch import conf as fetch_conf
from reviews import journal

from .checks import well_known
from .models import PortalItem, PortalRead
from accounts_media.models import MediaAccount
from govmedia.fetch.fetchers import make_fetcher
from monitoring.runner import live_account_statuses
from reviews.engine import SYSTEM
from websites.models import Filing, RunStatus, Website

logger = logging.getLogger(__name__)
LIST_PATH = "/.well-known/govmedia-accounts.json"
MAX_ENTRIES = 5000


class Malformed(ValueError):
    pass


def parse(body: bytes, truncated: bool = False) -> list[dict]:
    """The list's entries [{"type", "name", "url", "media_code"}], or Malformed with a Chinese reason."""
    if truncated:
        raise Malformed("清单超过读取大小限制")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed(f"不是有效的JSON（{str(exc)[:80]}）") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise Malformed("缺少 \"version\": 1")
    accounts = data.get("accounts")
    if not isinstance(accounts, list):
        raise Malformed("缺少 \"accounts\" 数组")
    if len(accounts) > MAX_ENTRIES:
        raise Malformed(f"账号超过 {MAX_ENTRIES} 个")
    out = []
    for number, entry in enumerate(accounts, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) or not entry["url"].strip():
            raise Malformed(f"第 {number} 个账号缺少 \"url\"")
        kind = entry.get("type", "")
        if kind and kind not in TYPE_BY_CODE:
            raise Malformed(f"第 {number} 个账号的 \"type\" 无效：{str(kind)[:20]}")
        out.append({"type": kind, "name": str(entry.get("name", ""))[:200], "url": entry["url"].strip()[:1000],
                    "media_code": str(entry.get("media_code", ""))[:20]})
    return out


def _keys(kind: str, url: str, media_code: str = "", platform_id: str = "") -> set[str]:
    keys = {"url:" + normalise_url(url)}
    if media_code:
        keys.add("code:" + media_code)
    if kind and not platform_id:
        try:
            platform_id = extract_platform_id(kind, url)
        except PlatformIdError:
            platform_id = ""
    if kind and platform_id:
        keys.add(f"{kind}:{platform_id}")
    return keys


def registered_accounts(site):
    """The accounts a site's list speaks for: the live accounts of the filer units directly under
    the site's org unit (one indexed query on org_path)."""
    return MediaAccount.objects.filter(org_path=site.org_path, removed_at__isnull=True,
                                       status__in=live_account_statuses()).only(
        "id", "name", "url", "account_type", "platform_id", "media_code")


def compare(site, entries: list[dict]) -> tuple[list[dict], list]:
    """(listed entries not registered, registered accounts not listed)."""
    accounts = list(registered_accounts(site))
    account_keys = {a.pk: _keys(a.account_type, a.url, a.media_code or "", a.platform_id) for a in accounts}
    known = set().union(*account_keys.values()) if account_keys else set()
    listed_keys, unregistered = set(), []
    for entry in entries:
        keys = _keys(entry["type"], entry["url"], entry["media_code"])
        listed_keys |= keys
        if not keys & known:
            unregistered.append({**entry, "key": sorted(keys)[0]})
    unlisted = [a for a in accounts if not account_keys[a.pk] & listed_keys]
    return unregistered, unlisted


def read_portal(site, fetcher, now=None) -> PortalRead:
    now = now or timezone.now()
    page = fetcher.get(well_known(site.homepage, LIST_PATH))
    opened = closed = 0
    if page.ok is None or page.status is None:
        outcome, message, entries = PortalRead.Outcome.UNREACHABLE, page.error or "无法读取", None
    elif page.status == 404:
        outcome, message, entries = PortalRead.Outcome.ABSENT, "网站未公布账号清单", None
    elif not page.ok:
        outcome, message, entries = PortalRead.Outcome.UNREACHABLE, page.problem(), None
    else:
        try:
            entries = parse(page.body, page.truncated)
            outcome, message = PortalRead.Outcome.OK, ""
        except Malformed as exc:
            outcome, message, entries = PortalRead.Outcome.MALFORMED, f"账号清单格式错误：{exc}", None
    with transaction.atomic():
        previous = PortalRead.objects.select_for_update().filter(website=site).first()
        before = previous.get_outcome_display() if previous else ""
        read, _ = PortalRead.objects.update_or_create(website=site, defaults={
            "read_at": now, "outcome": outcome, "message": message[:500], "listed": len(entries or [])})
        if entries is not None:
            opened, closed = _reconcile(site, entries, now)
        if before != read.get_outcome_display() or opened or closed:
            journal.record(site, "portal_list_read", _system(), status=(before, read.get_outcome_display()),
                           reason=message, data={"listed": read.listed, "opened": opened, "closed": closed},
                           scope_path=site.org_path)
    return read


def _reconcile(site, entries, now) -> tuple[int, int]:
    unregistered, unlisted = compare(site, entries)
    wanted = {(PortalItem.Kind.UNREGISTERED, e["key"]): e for e in unregistered}
    wanted.update({(PortalItem.Kind.UNLISTED, f"account:{a.pk}"): a for a in unlisted})
    open_items = {(i.kind, i.key): i for i in PortalItem.objects.filter(website=site, closed_at__isnull=True)}
    gone = [i.pk for key, i in open_items.items() if key not in wanted]
    PortalItem.objects.filter(pk__in=gone).update(closed_at=now)
    new = []
    for (kind, key), value in wanted.items():
        if (kind, key) in open_items:
            continue
        if kind == PortalItem.Kind.UNREGISTERED:
            new.append(PortalItem(website=site, org_path=site.org_path, kind=kind, key=key, name=value["name"],
                                  url=value["url"], opened_at=now))
        else:
            new.append(PortalItem(website=site, org_path=site.org_path, kind=kind, key=key, name=value.name,
                                  url=value.url, account=value, opened_at=now))
    PortalItem.objects.bulk_create(new)
    return len(new), len(gone)


def _system():
    return SYSTEM


def registered_sites():
    return Website.objects.filter(site_code__isnull=False, run_status=RunStatus.NORMAL).exclude(
        filing__in=[Filing.DRAFT, Filing.REVIEWING, Filing.REVIEWED, Filing.REJECTED])


def read_portals(now=None) -> str:
    """Scheduled daily: every registered site's list; a failing site is logged and the run goes on."""
    now = now or timezone.now()
    if not fetch_conf.get("MONITORING_ENABLED"):
        return "自动监测已关闭：未读取门户账号清单"
    counts = {o: 0 for o in PortalRead.Outcome.values}
    failed = 0
    fetcher = make_fetcher(4)
    try:
        for site in registered_sites().iterator(chunk_size=500):
            try:
                counts[read_portal(site, fetcher, now).outcome] += 1
            except Exception:  # noqa: BLE001 - one site's failure never stops the run
                logger.exception("portal list of website %s", site.pk)
                failed += 1
    finally:
        fetcher.close()
    labels = dict(PortalRead.Outcome.choices)
    return "门户账号清单：" + "，".join(f"{labels[k]} {v} 个" for k, v in counts.items()) + (f"，出错 {failed} 个" if failed else "")


def close_item(item: PortalItem, user) -> None:
    """The org unit has looked into it (登记了账号、通知门户更新清单 …): 已处理, journaled."""
    with transaction.atomic():
        item = PortalItem.objects.select_for_update().get(pk=item.pk)
        if item.closed_at is not None:
            return
        item.closed_at = timezone.now()
        item.save(update_fields=["closed_at"])
        journal.record(item.website, "portal_item_closed", user, status=("待核查", "已处理"),
                       reason=f"{item.get_kind_display()}：{item.name or item.url}", scope_path=item.org_path)
