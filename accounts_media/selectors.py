"""Reads scoped to the user: the one place that decides which accounts a user sees."""
from django.db.models import QuerySet

from accounts.models import User
from orgtree.selectors import scope_q

from .models import MediaAccount


def accounts_visible_to(user: User, include_removed: bool = False) -> QuerySet[MediaAccount]:
    """Live accounts: a filer unit's own; an org unit's whole subtree; nothing for others.
    `include_removed`: also the abandoned/deleted ones of that scope (a stale tab's second click
    is then told the record is gone, instead of a 404)."""
    live = MediaAccount.objects.all() if include_removed else MediaAccount.objects.filter(removed_at__isnull=True)
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return live.filter(filer_unit_id=user.filer_unit_id)
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return live.filter(scope_q(user.org_unit, "org_path"))
    return MediaAccount.objects.none()
