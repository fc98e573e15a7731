"""Continuity after closure (issue 29): the 继任账号 named in the closure request becomes the
account's successor when the closure is approved (an observer of the review engine: same
transaction, journaled), and the reuse watch looks at closed accounts' links through the
monitoring fetcher and tells the org unit when one answers again (the handle may be someone
else's now).
"""
from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts_media.models import MediaAccount, Status
from reviews import journal
from reviews.engine import observe

from .models import ReuseWatch, Succession
from govmedia.fetch import conf
from govmedia.fetch.fetchers import make_fetcher
from notifications.services import notify_org_units
from reviews.engine import SYSTEM

# A platform's page for a cancelled account still answers 200 with one of these texts.
GONE_MARKERS = ("账号已注销", "该账号已注销", "用户不存在", "账号不存在", "该用户已注销", "此账号已被封禁", "页面不存在",
                "account has been deleted", "user not found")


def successor_named(account) -> str:
    return ((account.request_data or {}).get("successor") or "").strip().upper()


@observe
def on_closure(applied) -> None:
    """approve_close of an account whose request named a successor: keep it (replacing any earlier)."""
    for a in applied:
        if a.workflow.subject_type != "media_account" or a.transition.name != "approve_close":
            continue
        code = successor_named(a.obj)
        if not code:
            continue
        successor = MediaAccount.objects.filter(media_code=code, removed_at__isnull=True).exclude(pk=a.obj.pk).first()
        if successor is None:
            continue
        before = Succession.objects.filter(account=a.obj).values_list("successor__media_code", flat=True).first()
        Succession.objects.update_or_create(account=a.obj, defaults={"successor": successor})
        journal.record(a.obj, "account_successor", a.user, before={"successor": before or ""},
                       after={"successor": f"{successor.name}（{code}）"}, scope_path=a.obj.org_path)


def closed_accounts_to_watch(limit: int):
    """Closed accounts with a web link, the least recently checked first (never-checked first)."""
    closed = Q(status=Status.CLOSED, removed_at__isnull=True, url__istartswith="http")
    return (MediaAccount.objects.filter(closed).select_related("reuse_watch", "filer_unit")
            .order_by(F("reuse_watch__checked_at").asc(nulls_first=True), "id")[:limit])


def looks_active(page) -> bool:
    """The link answers with a page that does not say the account is gone."""
    if not page.ok or page.unchecked:
        return False
    text = page.text or ""
    return not any(marker in text for marker in GONE_MARKERS)


def watch_reuse(limit: int | None = None, fetcher=None) -> dict:
    """One run of the reuse watch (scheduled daily): fetch up to VERIFY_REUSE_BATCH closed
    accounts' links; a link that turns active is journaled and told to the org unit once
    (again only after it went quiet in between)."""
    if not conf.get("MONITORING_ENABLED"):  # an intranet without outside access: nothing is fetched
        return {"checked": 0, "told": 0}
    own_fetcher = fetcher is None
    fetcher = fetcher or make_fetcher()
    limit = limit or settings.VERIFY_REUSE_BATCH
    told = checked = 0
    try:
        for account in closed_accounts_to_watch(limit):
            page = fetcher.get(account.url)
            if page.unchecked:
                continue
            checked += 1
            watch, _ = ReuseWatch.objects.get_or_create(account=account)
            active = looks_active(page)
            watch.checked_at, watch.status = timezone.now(), page.status
            if active and not watch.active:
                watch.notified_at = timezone.now()
                journal.record(account, "account_reuse", journal_user(), status=("关停", "关停"),
                               reason=f"链接 {account.url} 重新可以访问（HTTP {page.status}），可能已被他人使用。",
                               scope_path=account.org_path)
                unit_id = account.filer_unit.org_unit_id
                notify_org_units([unit_id], "account_reuse", f"已关停账号的链接重新可以访问：{account.name}",
                                 f"{account.url} 于 {timezone.localdate()} 重新可以访问，可能已被他人注册使用，请核实并联系平台处置。",
                                 reverse("media:detail", args=[account.pk]))
                told += 1
            watch.active = active
            watch.save()
    finally:
        if own_fetcher:
            fetcher.close()
    return {"checked": checked, "told": told}


def journal_user():
    return SYSTEM
