"""Sending notifications (站内, SMS, e-mail), the users' choices, and reading them.

`send(messages)` writes one Notification per recipient inside the caller's transaction and
enqueues one delivery task on the job queue (the queue is in the same database: a rolled-back
change sends nothing). The task (notifications/delivery.py) sends the SMS (accounts.sms backends)
and the e-mail (Django's e-mail backend) of each row at least once, retrying a failure, and a
sweeper re-queues what a dead worker left 发送中.
"""
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from govmedia.common import pagestate
from reviews import journal

from . import conf
from .kinds import CHANNELS, KINDS
from .models import Delivery, Notification
from .delivery import deliver

MOBILE = re.compile(r"1\d{10}")
UNREAD_SECONDS = 300


@dataclass(frozen=True)
class Message:
    user: User
    kind: str
    title: str
    body: str = ""
    link: str = ""
    dedupe_key: str = ""
    count: int = 1  # a digest written with several messages at once


# --- the users' choices ---------------------------------------------------------------------------

def preferences(user: User) -> dict[str, set[str]]:
    """Every kind's channels for this user: the saved choice, else the kind's default."""
    saved = (user.preferences or {}).get("notifications", {})
    return {key: set(saved[key]) & set(CHANNELS) if key in saved else set(kind.default) for key, kind in KINDS.items()}


@transaction.atomic
def save_preferences(user: User, chosen: dict[str, set[str]]) -> dict[str, set[str]]:
    """消息提醒设置: the channels per kind; the change is journaled (old → new)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = preferences(user)
    after = {key: set(chosen.get(key, set())) & set(CHANNELS) for key in KINDS}
    prefs = dict(user.preferences or {})
    prefs["notifications"] = {key: sorted(channels) for key, channels in after.items()}
    user.preferences = prefs
    user.save(update_fields=["preferences"])
    changes = [{"field": key, "label": KINDS[key].label, "old": _channels_text(before[key]), "new": _channels_text(after[key])}
               for key in KINDS if before[key] != after[key]]
    if changes:
        journal.record(user, "notification_preferences", user, label="修改消息提醒设置", changes=changes,
                       scope_path=_scope_path(user))
    return after


def _channels_text(channels: set[str]) -> str:
    return "、".join(label for key, label in CHANNELS.items() if key in channels) or "不接收"


def _scope_path(user: User) -> str:
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return user.org_unit.path
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return user.filer_unit.org_unit.path
    return ""


def contact_of(user: User) -> tuple[str, str]:
    """(mobile, e-mail) a user's SMS and e-mail go to: a filer unit's 联系人 (else 负责人) mobile; an
    org unit's 联系电话 when it is a mobile number, and its 电子邮箱; a website's 联系人."""
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        filer = user.filer_unit
        return filer.contact_mobile or filer.head_mobile, ""
    if user.kind == User.Kind.ORG and user.org_unit_id:
        phone = user.org_unit.contact_phone.strip()
        return (phone if MOBILE.fullmatch(phone) else ""), user.org_unit.contact_email
    if user.kind == User.Kind.SITE:
        site = getattr(user, "website", None)
        return (site.contact_mobile, site.contact_email) if site else ("", "")
    return "", ""


# --- sending ----------------------------------------------------------------------------------------

def org_unit_users(unit_ids) -> list[User]:
    return list(User.objects.filter(kind=User.Kind.ORG, org_unit_id__in=set(unit_ids), is_active=True)
                .select_related("org_unit"))


def notify(users, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str = "") -> int:
    return send([Message(u, kind, title, body, link, dedupe_key) for u in users])


def notify_org_units(unit_ids, kind: str, title: str, body: str = "", link: str = "") -> int:
    """The one call for "every login of these org units" (a notice received, a request waiting)."""
    return notify(org_unit_users(unit_ids), kind, title, body, link)


def filer_unit_users(unit_ids) -> list[User]:
    return list(User.objects.filter(kind=User.Kind.FILER, filer_unit_id__in=set(unit_ids), is_active=True)
                .select_related("filer_unit"))


def units_users(org_unit_ids, filer_unit_ids) -> list[User]:
    """Every active login of these org units and filer units, in one query."""
    org_unit_ids, filer_unit_ids = set(org_unit_ids), set(filer_unit_ids)
    if not org_unit_ids and not filer_unit_ids:
        return []
    return list(User.objects.filter(Q(kind=User.Kind.ORG, org_unit_id__in=org_unit_ids)
                                    | Q(kind=User.Kind.FILER, filer_unit_id__in=filer_unit_ids), is_active=True)
                .select_related("org_unit", "filer_unit").order_by("pk"))


def notify_units(org_unit_ids, filer_unit_ids, kind: str, title: str, body: str = "", link: str = "",
                 dedupe_key: str = "") -> int:
    """Every login of these org units and filer units (a notice sent to a subtree reaches both)."""
    return notify(units_users(org_unit_ids, filer_unit_ids), kind, title, body, link, dedupe_key)


def send(messages: list[Message]) -> int:
    """Write the notifications (each recipient's channels as chosen) and enqueue their delivery.
    Returns the number written; a message whose dedupe key the user already has is skipped.
    Kinds in NOTIFY_DIGEST_KINDS are folded into one message per recipient and day (digests)."""
    for message in messages:
        if message.kind not in KINDS:
            raise ValueError(f"未登记的消息类型：{message.kind}")
    messages = _fold_digests(messages)
    return _write(messages)


def _digest_title(kind: str, count: int) -> str:
    return f"{KINDS[kind].label}：今日共 {count} 条"


def _digest_body(titles: list[str], count: int) -> str:
    limit = conf.get("NOTIFY_DIGEST_LINES")
    lines = titles[:limit]
    more = f"\n……另有 {count - len(lines)} 条" if count > len(lines) else ""
    return "\n".join(lines) + more


def _fold_digests(messages: list[Message]) -> list[Message]:
    """Digest kinds: today's message of that kind for the user is updated (count, newest titles,
    unread again) instead of a new one; the messages left (the first of the day: one per user and
    kind, a digest when several arrive together) are written as usual, keyed to the day."""
    kinds = set(conf.get("NOTIFY_DIGEST_KINDS"))
    groups: dict[tuple, list[Message]] = {}
    rest = []
    for m in messages:
        if m.kind in kinds and not m.dedupe_key:
            groups.setdefault((m.user.pk, m.kind), []).append(m)
        else:
            rest.append(m)
    if not groups:
        return messages
    today = timezone.localdate().isoformat()
    key_of = {kind: f"digest:{kind}:{today}" for _, kind in groups}
    existing = {(n.user_id, n.kind): n for n in Notification.objects.select_for_update().filter(
        user_id__in={u for u, _ in groups}, dedupe_key__in=set(key_of.values()))}
    touched = set()
    for (user_id, kind), group in groups.items():
        newest_first = [m.title for m in reversed(group)]
        row = existing.get((user_id, kind))
        if row is None:
            last = group[-1]
            if len(group) == 1:
                rest.append(Message(last.user, kind, last.title, last.body, last.link, key_of[kind]))
            else:
                rest.append(Message(last.user, kind, _digest_title(kind, len(group)), _digest_body(newest_first, len(group)),
                                    last.link, key_of[kind], count=len(group)))
            continue
        previous = row.body.split("\n") if row.count > 1 else [row.title]
        row.count += len(group)
        row.title = _digest_title(kind, row.count)[:200]
        row.body = _digest_body([t for t in newest_first + previous if not t.startswith("……")], row.count)
        row.link = group[-1].link[:300]
        row.read_at = None
        row.created_at = timezone.now()
        row.save(update_fields=["count", "title", "body", "link", "read_at", "created_at"])
        touched.add(user_id)
    if touched:
        _forget_unread(touched)
    return rest


def _write(messages: list[Message]) -> int:
    keyed = {(m.user.pk, m.dedupe_key) for m in messages if m.dedupe_key}
    seen = set()
    if keyed:
        seen = set(Notification.objects.filter(user_id__in={u for u, _ in keyed}, dedupe_key__in={k for _, k in keyed})
                   .values_list("user_id", "dedupe_key"))
    rows = []
    now = timezone.now()
    for m in messages:
        if not m.user.is_active or (m.dedupe_key and (m.user.pk, m.dedupe_key) in seen):
            continue
        channels = preferences(m.user)[m.kind]
        if not channels:
            continue
        if m.dedupe_key:
            seen.add((m.user.pk, m.dedupe_key))
        mobile, email = contact_of(m.user) if channels - {"site"} else ("", "")
        rows.append(Notification(
            user=m.user, kind=m.kind, title=m.title[:200], body=m.body, link=m.link[:300], dedupe_key=m.dedupe_key[:100],
            count=m.count,
            shown="site" in channels, created_at=now,
            sms_state=_state("sms" in channels, mobile), sms_to=mobile if "sms" in channels else "",
            email_state=_state("email" in channels, email), email_to=email if "email" in channels else ""))
        for channel in ("sms", "email"):  # due now: the sweeper re-queues a row no task took within the lease
            if getattr(rows[-1], f"{channel}_state") == Delivery.PENDING:
                setattr(rows[-1], f"{channel}_next_at", now)
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(keyed), batch_size=1000)
    _forget_unread({r.user_id for r in rows if r.shown})
    pending = [r for r in rows if Delivery.PENDING in (r.sms_state, r.email_state)]
    if pending:
        # ignore_conflicts leaves the pks unset: the rows of this call are those created at `now`
        ids = [r.pk for r in pending if r.pk] or list(
            Notification.objects.filter(Q(sms_state=Delivery.PENDING) | Q(email_state=Delivery.PENDING), created_at=now,
                                        user_id__in={r.user_id for r in pending}).values_list("pk", flat=True))
        deliver.enqueue(ids)
    return len(rows)


def missing_contact(user: User) -> str:
    """One line for 消息中心 when a channel the user chose cannot reach them (instead of
    "无联系方式" on every message)."""
    chosen = set().union(*preferences(user).values())
    mobile, email = contact_of(user)
    missing = [label for channel, label, address in (("sms", "短信", mobile), ("email", "电子邮件", email))
               if channel in chosen and not address]
    if not missing:
        return ""
    return f"{'、'.join(missing)}提醒未能发送：没有可用的联系方式。请在用户设置中补充联系方式，或在消息提醒设置中关闭。"


def _state(wanted: bool, address: str) -> str:
    if not wanted:
        return Delivery.NONE
    return Delivery.PENDING if address else Delivery.NO_ADDRESS


# --- reading ----------------------------------------------------------------------------------------

def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


pagestate.register("notifications_unread", lambda user: _unread_key(user.pk) if getattr(user, "pk", None) else None)


def _forget_unread(user_ids) -> None:
    keys = [_unread_key(u) for u in user_ids]
    cache.delete_many(keys)
    pagestate.forget()
    transaction.on_commit(lambda: cache.delete_many(keys))  # again at commit: no count cached from before it


def unread_count(user: User) -> int:
    """The header's figure: from the shared cache (read with the page's other cached state in one
    round trip, govmedia.common.pagestate), else one indexed count (notification_unread)."""
    count = pagestate.get(user, "notifications_unread")
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True, shown=True).count()
        pagestate.put(user, "notifications_unread", count, UNREAD_SECONDS)
    return count


def visible_to(user: User):
    return Notification.objects.filter(user=user, shown=True)


def mark_read(user: User, ids: list[int]) -> int:
    done = visible_to(user).filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
    _forget_unread([user.pk])
    return done


def mark_all_read(user: User) -> int:
    done = visible_to(user).filter(read_at__isnull=True).update(read_at=timezone.now())
    _forget_unread([user.pk])
    return done
