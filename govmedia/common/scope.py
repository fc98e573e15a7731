"""The scope rule of the org tree: a unit sees its subtree, the rows whose materialised path starts
with the unit's own (`/GB0000/110000/…`). Pure functions of a unit's `path`, shared so the journal's
操作日志 pages scope their rows without importing the org tree (decision 0063); `orgtree.selectors`
reads them from here. The org units are reached as the users' unit (`settings.AUTH_USER_MODEL`'s
`org_unit`), the way the journal's `actor` reaches its user."""
from django.contrib.auth import get_user_model
from django.db.models import Q


def scope_q(unit, path_field: str = "path") -> Q:
    """A filter for rows whose `path_field` lies in `unit`'s subtree (the unit itself included)."""
    if unit.is_root:
        return Q()
    return Q(**{f"{path_field}__startswith": unit.path})


def org_units():
    """The org units' manager (the model of the users' `org_unit`)."""
    return get_user_model()._meta.get_field("org_unit").related_model._default_manager


def unit_in_scope(viewer, code: str):
    """The unit with `code` if `viewer` may see it, else None (never a foreign unit)."""
    return org_units().filter(scope_q(viewer)).filter(code__iexact=code.strip()).first()
