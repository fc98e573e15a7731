"""Reads scoped to the user: the one place that decides which filer units a user sees."""
from django.db.models import QuerySet

from orgtree.models import FilerUnit
from orgtree.selectors import scope_q

from .models import User


def filer_units_visible_to(user: User) -> QuerySet[FilerUnit]:
    """Org units see the filer units of their whole subtree; nobody else sees this list."""
    if user.kind != User.Kind.ORG or user.org_unit_id is None:
        return FilerUnit.objects.none()
    return FilerUnit.objects.filter(scope_q(user.org_unit, "org_unit__path"))
