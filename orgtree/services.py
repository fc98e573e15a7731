"""Writes to the org tree. Each function is one business action, atomic, and journaled
(reviews.journal: the journal module imports nothing of ours, so the tree may call it)."""
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from reviews import journal

from .models import OrgUnit
from .signals import subtree_moved

# The fields ops staff edit in the admin besides the parent (挂接关系).
EDITABLE_FIELDS = ["name", "kind", "is_active", "contact_person", "contact_phone", "contact_email"]


class OrgTreeError(Exception):
    """A refused change to the tree; the message is shown to the user."""


@transaction.atomic
def create_org_unit(code: str, name: str, parent: OrgUnit | None, kind: str, *, user=None, **contact) -> OrgUnit:
    """A new org unit hung under `parent` (None only for the root)."""
    if OrgUnit.objects.filter(code__iexact=code).exists():
        raise OrgTreeError(f"组织单位代码 {code} 已存在。")
    unit = OrgUnit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        level=parent.level + 1 if parent else 0,
        path=f"{parent.path if parent else '/'}{code}/",
        **contact,
    )
    journal.record(unit, "org_create", user, after={"code": code, "name": name, "parent": parent, "kind": unit.get_kind_display()},
                   scope_path=unit.path)
    return unit


@transaction.atomic
def update_org_unit(unit: OrgUnit, *, user=None, **values) -> OrgUnit:
    """Edit an org unit's own fields (name, kind, 启用, contacts); a new name is journaled as
    修改组织单位名称, anything else as 修改组织单位信息."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise OrgTreeError(f"不能修改：{'、'.join(sorted(unknown))}")
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = {name: getattr(unit, name) for name in values}
    for name, value in values.items():
        setattr(unit, name, value)
    changed = [name for name in values if before[name] != getattr(unit, name)]
    if not changed:
        return unit
    unit.save(update_fields=changed)
    old = {name: _shown(unit, name, before[name]) for name in changed}
    new = {name: _shown(unit, name, getattr(unit, name)) for name in changed}
    journal.record(unit, "org_rename" if changed == ["name"] else "org_edit", user, before=old, after=new,
                   scope_path=unit.path)
    return unit


def _shown(unit: OrgUnit, name: str, value):
    if name == "kind":
        return OrgUnit.Kind(value).label
    if name == "is_active":
        return "启用" if value else "停用"
    return value


def ancestors_left(old_prefix: str, new_prefix: str) -> list[str]:
    """Codes of the units above a moved subtree before the move that are no longer above it."""
    old_chain = [c for c in old_prefix.split("/") if c][:-1]
    new_chain = set(c for c in new_prefix.split("/") if c)
    return [c for c in old_chain if c not in new_chain]


@transaction.atomic
def move_org_unit(unit: OrgUnit, new_parent: OrgUnit, *, user=None) -> OrgUnit:
    """Hang `unit` (and its whole subtree) under `new_parent` (挂接关系). In the same transaction
    everything that holds an org path or a review position moves along: `subtree_moved` lets each
    app rewrite its copies (accounts, websites) and re-seat requests waiting at a unit that is no
    longer above them; the journal's scope paths move too."""
    unit = OrgUnit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    new_parent = OrgUnit.objects.get(pk=new_parent.pk)
    if unit.is_root:
        raise OrgTreeError("国务院办公厅是组织机构的根，不能挂接到其他单位下。")
    if new_parent.path.startswith(unit.path):
        raise OrgTreeError("不能把组织单位挂接到它自己或它的下级单位下。")
    if unit.parent_id == new_parent.pk:
        return unit
    old_parent = unit.parent
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.code}/"
    level_delta = new_parent.level + 1 - unit.level
    OrgUnit.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        level=F("level") + level_delta,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent)
    left = list(OrgUnit.objects.filter(code__in=ancestors_left(old_prefix, new_prefix)).values_list("pk", flat=True))
    subtree_moved.send(sender=OrgUnit, old_prefix=old_prefix, new_prefix=new_prefix, unit=unit,
                       old_parent=old_parent, new_parent=new_parent, left_ids=left)
    journal.move_scope(old_prefix, new_prefix)
    unit.refresh_from_db()
    journal.record(unit, "org_move", user, before={"parent": old_parent, "path": old_prefix},
                   after={"parent": new_parent, "path": unit.path}, scope_path=unit.path,
                   data={"old_parent": old_parent.code, "new_parent": new_parent.code})
    return unit
