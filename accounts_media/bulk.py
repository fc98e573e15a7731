"""批量审核 on 待审核 and 批量提交 / 批量删除 of a filer's drafts.

Every request is applied through the review engine on its own (its own lock, version check and
journal row): a bulk action is a loop of single transitions, never one UPDATE. A request another
reviewer (or another tab) handled meanwhile is counted apart — 已被他人处理 — and nothing is
written for it. A bulk acts on at most `LIMIT` requests (the largest page), so a request never
grows with the size of the unit's subtree.
"""
from dataclasses import dataclass, field

from reviews.engine import StateConflict, TransitionError

from . import services
from .models import MediaAccount, Status
from .selectors import accounts_visible_to
from .workflow import REVIEWS, WORKFLOW

LIMIT = 100


@dataclass
class Outcome:
    done: int = 0
    handled: int = 0                                  # 已被他人处理 (the state moved on)
    failed: list[str] = field(default_factory=list)   # refused for another reason, with why


def pending_here(user):
    """The requests waiting at the user's org unit (the 待审核 tab)."""
    return accounts_visible_to(user).filter(reviewer_id=user.org_unit_id, status__in=list(REVIEWS))


def review_items(user, ids: list[int]) -> list[MediaAccount]:
    return list(pending_here(user).filter(pk__in=ids[:LIMIT]).select_related("filer_unit").order_by("pk"))


def parse_items(values: list[str]) -> list[tuple[int, int]]:
    """`pk:version` pairs as the confirmation page showed them (bad ones are dropped)."""
    items = []
    for value in values[:LIMIT]:
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            items.append((int(pk), int(version)))
    return items


def review_many(user, items: list[tuple[int, int]], result: str, data: dict) -> Outcome:
    """Approve (result="approve") or reject each request at the version the reviewer saw."""
    outcome = Outcome()
    accounts = accounts_visible_to(user, include_removed=True).select_related("filer_unit", "filer_unit__org_unit")
    by_pk = {a.pk: a for a in accounts.filter(pk__in=[pk for pk, _ in items])}
    for pk, version in items:
        account = by_pk.get(pk)
        if account is None:
            outcome.handled += 1
            continue
        names = REVIEWS.get(account.status)
        if names is None or account.version != version:
            outcome.handled += 1
            continue
        action = names[0] if result == "approve" else names[1]
        row = dict(data, result=result, result_label=WORKFLOW.get(action).result)
        try:
            services.perform(account, action, user, row, expected_version=version)
        except StateConflict:
            outcome.handled += 1
        except TransitionError as exc:
            outcome.failed.append(f"{account.name}：{exc.message}")
        else:
            outcome.done += 1
    return outcome


def draft_items(user, ids: list[int]) -> list[MediaAccount]:
    return list(accounts_visible_to(user, include_removed=True).filter(pk__in=ids[:LIMIT], filer_unit_id=user.filer_unit_id)
                .select_related("filer_unit", "filer_unit__org_unit").order_by("pk"))


def drafts_many(user, ids: list[int], op: str) -> Outcome:
    """批量提交 (op="submit") or 批量删除 (op="delete") of the filer's own drafts."""
    action = "submit" if op == "submit" else "delete_draft"
    outcome = Outcome()
    for account in draft_items(user, ids):
        if account.status != Status.DRAFT or not account.is_live:
            outcome.handled += 1
            continue
        try:
            services.perform(account, action, user, {}, expected_version=account.version)
        except StateConflict:
            outcome.handled += 1
        except TransitionError as exc:
            outcome.failed.append(f"{account.name}：{exc.message}")
        else:
            outcome.done += 1
    return outcome


# --- the reviewer's name and phone, remembered per login -----------------------------------

def remembered_reviewer(user) -> dict:
    saved = (getattr(user, "preferences", None) or {}).get("reviewer") or {}
    return {"reviewer_name": saved.get("name", ""), "reviewer_phone": saved.get("phone", "")}


def remember_reviewer(user, name: str, phone: str) -> None:
    """Kept in the user's own settings (the person at this login reviews again tomorrow)."""
    prefs = dict(user.preferences or {})
    if prefs.get("reviewer") == {"name": name, "phone": phone}:
        return
    prefs["reviewer"] = {"name": name, "phone": phone}
    user.preferences = prefs
    user.save(update_fields=["preferences"])
