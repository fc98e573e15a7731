"""Reads of the org tree: the scope rule lives here and nowhere else."""
from django.db.models import Q, QuerySet

from .models import ROOT_CODE, OrgUnit


def scope_q(unit: OrgUnit, path_field: str = "path") -> Q:
    """A filter for rows whose `path_field` lies in `unit`'s subtree (the unit itself included)."""
    if unit.is_root:
        return Q()
    return Q(**{f"{path_field}__startswith": unit.path})


def units_under(unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    """Every org unit in `unit`'s subtree, one indexed prefix scan."""
    qs = OrgUnit.objects.filter(scope_q(unit))
    if not include_self:
        qs = qs.exclude(pk=unit.pk)
    return qs


def unit_in_scope(viewer: OrgUnit, code: str) -> OrgUnit | None:
    """The unit with `code` if `viewer` may see it, else None (never a foreign unit)."""
    return units_under(viewer).filter(code__iexact=code.strip()).first()


def children_of(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(parent=unit).order_by("code")


def ancestors_of(unit: OrgUnit, include_self: bool = False) -> list[OrgUnit]:
    """The chain from the root down to `unit` (one query), ordered root first."""
    codes = unit.ancestor_codes if include_self else unit.ancestor_codes[:-1]
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def root() -> OrgUnit:
    return OrgUnit.objects.get(code=ROOT_CODE)
