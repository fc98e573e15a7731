"""Writes to the org tree. Each function is one business action, atomic."""
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from .models import OrgUnit
from .signals import subtree_moved


class OrgTreeError(Exception):
    """A refused change to the tree; the message is shown to the user."""


@transaction.atomic
def create_org_unit(code: str, name: str, parent: OrgUnit | None, kind: str, **contact) -> OrgUnit:
    """A new org unit hung under `parent` (None only for the root)."""
    if OrgUnit.objects.filter(code__iexact=code).exists():
        raise OrgTreeError(f"组织单位代码 {code} 已存在。")
    return OrgUnit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        level=parent.level + 1 if parent else 0,
        path=f"{parent.path if parent else '/'}{code}/",
        **contact,
    )


@transaction.atomic
def move_org_unit(unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Hang `unit` (and its whole subtree) under `new_parent` (挂接关系)."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    new_parent = OrgUnit.objects.get(pk=new_parent.pk)
    if unit.is_root:
        raise OrgTreeError("国务院办公厅是组织机构的根，不能挂接到其他单位下。")
    if new_parent.path.startswith(unit.path):
        raise OrgTreeError("不能把组织单位挂接到它自己或它的下级单位下。")
    if unit.parent_id == new_parent.pk:
        return unit
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.code}/"
    level_delta = new_parent.level + 1 - unit.level
    OrgUnit.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        level=F("level") + level_delta,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    subtree_moved.send(sender=OrgUnit, old_prefix=old_prefix, new_prefix=new_prefix)
    unit.refresh_from_db()
    return unit
