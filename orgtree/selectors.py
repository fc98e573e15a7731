"""Reads of the org tree: the scope rule lives here and nowhere else."""
import time
from collections.abc import Sequence

from django.db.models import QuerySet
from django.core.cache import cache
from django.db import transaction

from govmedia.common import pagestate
from govmedia.common.prepared import PreparedQuery
# The scope rule is shared (the journal's pages use it too); the org tree's readers import it from here.
from govmedia.common.scope import scope_q, unit_in_scope  # noqa: F401

from .models import ROOT_CODE, OrgUnit


def units_under(unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    """Every org unit in `unit`'s subtree, one indexed prefix scan."""
    qs = OrgUnit.objects.filter(scope_q(unit))
    if not include_self:
        qs = qs.exclude(pk=unit.pk)
    return qs


def children_of(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(parent=unit).order_by("code")


def ancestors_of(unit: OrgUnit, include_self: bool = False) -> list[OrgUnit]:
    """The chain from the root down to `unit` (one query), ordered root first."""
    codes = unit.ancestor_codes if include_self else unit.ancestor_codes[:-1]
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def root() -> OrgUnit:
    return OrgUnit.objects.get(code=ROOT_CODE)


# Every list page's 省/部 · 市/省局 · 区县 and every public answer read org names: one statement
# compiled once per process, any number of codes in one parameter (`code__any`).
_NAMES_BY_CODE = PreparedQuery(OrgUnit, lambda codes: OrgUnit.objects.filter(code__any=codes).values_list("code", "name"),
                               codes=["\x00prepared-org-codes"])


def names_by_code(codes) -> dict[str, str]:
    """Names of the given org units, one query."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return dict(_NAMES_BY_CODE.all(codes=sorted(codes)))


def cascade_codes(path: str) -> list[str]:
    """The codes of levels 1, 2 and 3 along a path (省/部 · 市/省局 · 区县/地方部门), '' where absent."""
    codes = [c for c in path.split("/") if c][1:4]
    return codes + [""] * (3 - len(codes))


CASCADE_LABELS = ("省/部", "市/省局", "区县/地方部门")


TREE_GENERATION = "orgtree:generation"
CASCADE_TTL = 3600


def bump_tree(**kwargs) -> None:
    """The org tree changed (a unit saved, deleted or moved, the tree loaded): cached cascades
    are recomputed; again at commit, so none cached meanwhile from before the change is read."""


    def bump():
        cache.set(TREE_GENERATION, time.time_ns(), None)
        pagestate.forget()

    bump()
    transaction.on_commit(bump)


def _register_page_state() -> None:

    pagestate.register("orgtree_generation", lambda user: TREE_GENERATION)
    pagestate.register("org_cascade", lambda user: f"orgtree:cascade:{user.org_unit_id}"
                       if getattr(user, "org_unit_id", None) else None)


_register_page_state()


def cascade_options(viewer: OrgUnit, chosen: list[str], user=None) -> list[dict]:
    """The three selects of the org cascade for `viewer`: levels at or above the viewer are
    fixed to its own chain; deeper ones list the children of the unit chosen above (in scope).
    With `user` (whose unit `viewer` is) and nothing chosen below the viewer, read with the
    page's other cached state (govmedia.common.pagestate) until the tree changes."""
    if user is not None and not any(chosen[viewer.level:]):

        generation = pagestate.get(user, "orgtree_generation") or 0
        return pagestate.with_generation(user, "org_cascade", generation,
                                         lambda: _cascade(viewer, ["", "", ""]), CASCADE_TTL)
    return _cascade(viewer, chosen)


def _cascade(viewer: OrgUnit, chosen: list[str]) -> list[dict]:
    own = viewer.ancestor_codes  # root first, the viewer last
    selects, parent = [], None
    fixed_units = {u.code: u for u in ancestors_of(viewer, include_self=True)}
    for level in (1, 2, 3):
        name = f"org{level}"
        if level <= viewer.level:
            unit = fixed_units.get(own[level])
            selects.append({"name": name, "label": CASCADE_LABELS[level - 1], "fixed": True,
                            "options": [(unit.code, unit.name)] if unit else [], "selected": unit.code if unit else ""})
            parent = unit
            continue
        if level == viewer.level + 1:
            parent = viewer
        options = list(children_of(parent).filter(is_active=True).values_list("code", "name")) if parent else []
        code = (chosen[level - 1] or "").strip()
        selected = next((c for c, _ in options if c.lower() == code.lower()), "")
        selects.append({"name": name, "label": CASCADE_LABELS[level - 1], "fixed": False,
                        "options": options, "selected": selected})
        parent = next((u for u in [OrgUnit.objects.filter(code=selected).first()] if u), None) if selected else None
    return selects


def org_names_lookup():
    """path → [省/部, 市/省局, 区县/地方部门] names, for an export that reads paths row by row: the
    names of every org unit in one query (a few thousand rows), each path resolved once."""
    names = dict(OrgUnit.objects.values_list("code", "name"))
    seen: dict[str, list[str]] = {}

    def lookup(path: str) -> list[str]:
        found = seen.get(path)
        if found is None:
            found = seen[path] = [names.get(code, "") for code in cascade_codes(path or "")]
        return found

    return lookup


def attach_org_names(rows, path_of) -> None:
    """Give every row `org_names`: the names of its 省/部 · 市/省局 · 区县/地方部门, one query for all
    the rows, run when a row's names are first read (the three columns are not shown by default:
    most pages never read them, so a row only keeps its path until then)."""
    batch = _NameBatch()
    for row in rows:
        row.org_names = OrgNames(batch, path_of(row))


class _NameBatch:
    """The names of every code of one page's rows, read in one query on first use."""

    def __init__(self):
        self.paths: list[str] = []
        self.names: dict[str, str] | None = None

    def name(self, code: str) -> str:
        if self.names is None:
            self.names = names_by_code({c for path in self.paths for c in cascade_codes(path) if c})
        return self.names.get(code, "")


class OrgNames(Sequence):
    """A row's [省/部, 市/省局, 区县/地方部门] names, read with the page's others on first use."""

    def __init__(self, batch: _NameBatch, path: str):
        self._batch, self._path = batch, path
        batch.paths.append(path)

    @property
    def _codes(self) -> list[str]:
        return cascade_codes(self._path)

    def __getitem__(self, index):
        names = [self._batch.name(code) for code in self._codes]
        return names[index]

    def __len__(self) -> int:
        return len(self._codes)

    def __eq__(self, other) -> bool:
        return isinstance(other, (list, tuple, Sequence)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # (compared by value, like the list it stands for)

    def __repr__(self) -> str:
        return repr(list(self))


