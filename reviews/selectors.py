"""Reads of the journal: what an org unit may see on its 操作日志 page."""
from django.db.models import QuerySet

from govmedia.common.scope import scope_q, unit_in_scope

from .journal import action_labels
from .models import JournalEntry

# The org units' page lists the entries about filer units and org units of their subtree.
ORG_LOG_TYPES = ("filer_unit", "org_unit")
ORG_LOG_PREFIXES = ("filer_", "org_", "ops_")


def org_log_actions() -> dict[str, str]:
    """The actions the page's 操作 filter offers (read when asked: the engine's tables register
    theirs as they are declared)."""
    return {code: label for code, label in action_labels().items() if code.startswith(ORG_LOG_PREFIXES)}


def org_log_visible_to(user) -> QuerySet[JournalEntry]:
    """Entries about filer units and org units scoped inside the user's subtree (none for anyone
    but an org unit): one indexed prefix scan of scope_path, newest first."""
    if getattr(user, "kind", None) != "org" or not user.org_unit_id:
        return JournalEntry.objects.none()
    return (JournalEntry.objects.filter(subject_type__in=ORG_LOG_TYPES).exclude(scope_path="")
            .filter(scope_q(user.org_unit, "scope_path")).order_by("-at", "-id"))


def org_log_filtered(user, *, unit_code: str = "", action: str = "", keyword: str = "", date_from=None,
                     date_to=None) -> tuple[QuerySet[JournalEntry], object | None]:
    """The page's filters, all inside the user's scope: a unit code outside it yields nothing.
    Returns the entries and the org unit chosen (None without one)."""
    qs = org_log_visible_to(user)
    unit = None
    if unit_code.strip():
        unit = unit_in_scope(user.org_unit, unit_code) if getattr(user, "org_unit_id", None) else None
        if unit is None:
            return qs.none(), None
        qs = qs.filter(scope_q(unit, "scope_path"))
    if action in org_log_actions():
        qs = qs.filter(action=action)
    if keyword.strip():
        qs = qs.filter(subject_label__icontains=keyword.strip())
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs, unit
