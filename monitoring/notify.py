"""A monitoring finding on your object (消息中心 kind "finding"): the receiver of `findings_opened`.

Once per chunk of a run, for all the findings it opened, in a fixed number of queries: the owners
(`selectors.owners_of`: the filer unit of an account, the filer unit a website names as its 主办单位,
else the org unit itself) in one query, the logins of every owner in one, the websites' operator
logins in one, then one `send()` (one bulk insert, at most one delivery task).

- Each owner login gets one message per finding (dedupe key `finding:<pk>`: never twice), and so
  does the website's operator login;
- an owner with more than NOTIFY_FINDING_DIGEST_OVER findings in one chunk gets one digest
  instead ("监测发现问题：本单位 N 个对象", the problems counted by kind, a link to the list of them).
"""
from collections import Counter, defaultdict
from urllib.parse import urlencode

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import conf as notify_conf
from notifications.services import Message, send, units_users

from .models import FINDING_LABELS
from .selectors import owners_of
from .signals import findings_closed, findings_opened
from notifications.models import Notification


def _link(finding, owner_kind: str) -> str:
    if finding.account_id:
        return reverse("media:detail", args=[finding.account_id])
    if owner_kind == "org":
        return reverse("websites:review_detail", args=[finding.website_id])
    return reverse("checks:home")  # a filer unit has no website pages: its 检查结果信息表 takes the finding


def _digest_link(owner_kind: str, findings) -> str:
    if owner_kind == "org":  # an org unit owns websites only: 监测发现, the websites first seen in this run
        days = sorted({timezone.localdate(f.first_seen) for f in findings})
        query = {"subject": "website", "seen_from": days[0].isoformat(), "seen_to": days[-1].isoformat()}
        return f"{reverse('monitoring:findings')}?{urlencode(query)}"
    # a filer unit reads its findings above its account list (或 its 检查结果信息表 for websites)
    return reverse("media:list") if any(f.account_id for f in findings) else reverse("checks:home")


def digest(owner: tuple[str, int], findings, users) -> list[Message]:
    objects = {(f.account_id, f.website_id) for f in findings}
    kinds = Counter(FINDING_LABELS[f.kind] for f in findings)
    title = f"监测发现问题：本单位 {len(objects)} 个对象"
    counted = "、".join(f"{label} {n} 个" for label, n in kinds.most_common())
    body = f"自动监测发现本单位 {len(objects)} 个对象的 {len(findings)} 个问题：{counted}。请登录系统查看并核查整改。"
    key = f"findings:{owner[0]}{owner[1]}:{findings[0].pk}-{findings[-1].pk}"
    link = _digest_link(owner[0], findings)
    return [Message(u, "finding", title, body, link, key) for u in users]


def _owner_logins(findings):
    """(owners by finding, logins per owner, the websites' operator logins) in three queries."""
    owners = owners_of(findings)
    logins = defaultdict(list)
    for user in units_users({pk for kind, pk in owners.values() if kind == "org" and pk},
                            {pk for kind, pk in owners.values() if kind == "filer" and pk}):
        logins[("org", user.org_unit_id) if user.kind == User.Kind.ORG else ("filer", user.filer_unit_id)].append(user)
    operator_ids = {f.website.operator_user_id for f in findings if f.website_id and f.website.operator_user_id}
    operators = {u.pk: u for u in User.objects.filter(pk__in=operator_ids, is_active=True)} if operator_ids else {}
    return owners, logins, operators


@receiver(findings_closed, dispatch_uid="monitoring.notify_recovered")
def notify_recovered(sender, findings, **kwargs) -> int:
    """A finding closed because its check passes again: its owner (and the site's operator) reads
    "已恢复"; the alert that opened it is marked read. Many in one chunk for one owner: one digest."""
    if not findings:
        return 0
    owners, logins, operators = _owner_logins(findings)
    by_owner = defaultdict(list)
    for f in sorted(findings, key=lambda f: f.pk):
        by_owner[owners[f.pk]].append(f)
    messages = []
    over = notify_conf.get("NOTIFY_FINDING_DIGEST_OVER")
    for owner, items in by_owner.items():
        users = logins.get(owner, [])
        if len(items) > over:
            title = f"监测问题已恢复：本单位 {len({(f.account_id, f.website_id) for f in items})} 个对象"
            body = "、".join(f"{f.subject_name}（{f.label}）" for f in items[:10]) + (" 等" if len(items) > 10 else "") + " 已恢复。"
            key = f"recovered:{owner[0]}{owner[1]}:{items[0].pk}-{items[-1].pk}"
            messages += [Message(u, "finding", title, body, _digest_link(owner[0], items), key) for u in users]
            continue
        for f in items:
            messages += [Message(u, "finding", f"监测问题已恢复：{f.subject_name}", f.recovered_message(),
                                 _link(f, owner[0]), f"recovered:{f.pk}") for u in users]
    for f in findings:
        operator = operators.get(f.website.operator_user_id) if f.website_id else None
        if operator is not None:
            messages.append(Message(operator, "finding", f"监测问题已恢复：{f.subject_name}", f.recovered_message(),
                                    reverse("websites:site_home"), f"recovered:{f.pk}"))
    with transaction.atomic():
        readers = {u.pk for users in logins.values() for u in users} | set(operators)
        Notification.objects.filter(user_id__in=readers, dedupe_key__in=[f"finding:{f.pk}" for f in findings],
                                    read_at__isnull=True).update(read_at=timezone.now())
        return send(messages) if messages else 0


@receiver(findings_opened, dispatch_uid="monitoring.notify_owners")
def notify_owners(sender, findings, **kwargs) -> int:
    if not findings:
        return 0
    today = timezone.localdate()
    owners = owners_of(findings)
    by_owner = defaultdict(list)
    for f in sorted(findings, key=lambda f: f.pk):
        if owners[f.pk][1]:
            by_owner[owners[f.pk]].append(f)
    logins = defaultdict(list)
    for user in units_users({pk for kind, pk in by_owner if kind == "org"},
                            {pk for kind, pk in by_owner if kind == "filer"}):
        logins[("org", user.org_unit_id) if user.kind == User.Kind.ORG else ("filer", user.filer_unit_id)].append(user)
    operator_ids = {f.website.operator_user_id for f in findings if f.website_id and f.website.operator_user_id}
    operators = {u.pk: u for u in User.objects.filter(pk__in=operator_ids, is_active=True).select_related("website")
                 } if operator_ids else {}

    messages = []
    over = notify_conf.get("NOTIFY_FINDING_DIGEST_OVER")
    for owner, items in by_owner.items():
        users = logins.get(owner, [])
        if len(items) > over:
            messages += digest(owner, items, users)
            continue
        for f in items:
            title, body, link = f"监测发现问题：{f.subject_name}", f.message(today), _link(f, owner[0])
            messages += [Message(u, "finding", title, body, link, f"finding:{f.pk}") for u in users]
    for f in findings:
        operator = operators.get(f.website.operator_user_id) if f.website_id else None
        if operator is not None:
            messages.append(Message(operator, "finding", f"监测发现问题：{f.subject_name}", f.message(today),
                                    reverse("websites:site_home"), f"finding:{f.pk}"))
    with transaction.atomic():  # the rows and their delivery task together
        return send(messages) if messages else 0
