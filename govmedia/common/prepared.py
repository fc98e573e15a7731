"""Querysets that every request runs, compiled once per process instead of once per request.

Each request reads its session and its user (with the unit joined). Django builds those
statements anew every time: resolving the lookups, the joins of `select_related` and ~60 quoted
column names costs about as much Python as the round trip to PostgreSQL itself. A
`PreparedQuery` compiles its queryset once per database alias, with marker values for its
arguments, and afterwards only puts the real values in their places, runs the statement and
builds the instances the way Django's own `ModelIterable` does (`from_db`, the `select_related`
populators, the fields' converters). The statement is the one Django wrote, so it reads and
plans exactly as before; only the building is saved.
"""
from datetime import date, datetime
from types import SimpleNamespace

from django.db import connections, router
from django.db.models import CharField, IntegerField, Lookup
from django.db.models.query import (FlatValuesListIterable, ModelIterable, ValuesIterable, ValuesListIterable,
                                     get_related_populators)

from . import sqlport


def _identity(value):
    return value


def _position(params, name: str, marker, ops, repeated: bool = False) -> tuple[tuple[int, object], ...]:
    """Where `marker` went among the statement's parameters, and how a value is adapted to go
    there: as it is (PostgreSQL), as the backend writes a date or a time (SQLite: text), or as a
    `startswith` / `contains` lookup writes its pattern: ((position, adapt), …). Once, unless the
    marker is `repeated` (one argument the statement uses in several places, in any of these forms)."""
    adapters = [_identity]
    if isinstance(marker, list):  # ids (`__any`): an array (PostgreSQL) or its JSON text (SQLite)
        adapters.append(lambda value: sqlport.ids(ops.connection, value))
    elif isinstance(marker, datetime):
        adapters.append(ops.adapt_datetimefield_value)
    elif isinstance(marker, date):
        adapters.append(ops.adapt_datefield_value)
    elif isinstance(marker, str):  # a pattern lookup's value: escaped for LIKE, then wrapped in %
        adapters += [lambda value: f"{ops.prep_for_like_query(value)}%",     # startswith
                     lambda value: f"%{ops.prep_for_like_query(value)}%"]    # contains
    places: list[tuple[int, object]] = []
    for adapt in adapters:
        expected = adapt(marker)
        found = [i for i, value in enumerate(params) if value == expected and type(value) is type(expected)]
        if repeated:
            places += [(i, adapt) for i in found if all(i != j for j, _ in places)]
        elif len(found) == 1:
            return ((found[0], adapt),)
        elif found:
            raise ValueError(f"marker {name}={marker!r} appears {len(found)} times in the statement")
    if places:
        return tuple(places)
    raise _Absent(f"marker {name}={marker!r} appears 0 times in the statement")


@IntegerField.register_lookup
class AnyOf(Lookup):
    """`pk__any=[…]`: the rows of any number of ids in one parameter (`pk__in` writes one per id,
    so its statement changes with the count and cannot be compiled once): `= ANY(%s)` with an
    array on PostgreSQL, the values of a JSON array on SQLite (govmedia.common.sqlport.in_list)."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [sqlport.ids(connection, [int(v) for v in value])]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {sqlport.in_list(connection)}", [*lhs_params, *rhs_params]


@CharField.register_lookup
class AnyOfText(AnyOf):
    """`code__any=[…]`: AnyOf for text columns (org unit codes)."""

    def get_db_prep_lookup(self, value, connection):
        return "%s", [sqlport.ids(connection, [str(v) for v in value])]


class _Absent(ValueError):
    """A marker the statement does not hold."""


class PreparedQuery:
    """`build(**markers)` returns the queryset; `markers` are values no real call passes (one per
    argument, each appearing exactly once among the statement's parameters, and inside the field's
    range: Django turns an out-of-range integer lookup into "no rows" before any SQL; a list for
    ids, `pk__any`). The queryset may return model instances (`only()`, `select_related()`, slices
    and annotations allowed), or rows as `values()` dicts or `values_list()` tuples (flat or not),
    annotations included."""

    def __init__(self, model, build, optional=(), repeated=(), **markers):
        """`optional`: markers that a shape's statement may leave out (a viewer's id that only some
        tabs filter on); every value the statement does hold must still come from a marker.
        `repeated`: markers that may appear more than once (an argument used in two places)."""
        self._model, self._build, self._markers, self._optional = model, build, markers, frozenset(optional)
        self._repeated = frozenset(repeated)
        # (alias, vendor) → the compiled statement (a race compiles twice, harmlessly)
        self._compiled: dict[tuple[str, str], tuple] = {}

    def _compile(self, alias: str) -> tuple:
        queryset = self._build(**self._markers)
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        ops, positions = connections[alias].ops, {}
        for name, marker in self._markers.items():
            try:
                positions[name] = _position(params, name, marker, ops, name in self._repeated)
            except _Absent:
                if name not in self._optional:
                    raise
        fields = [column[0] for column in compiler.select[:compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("a prepared query reads no composite primary key")
        # The fields' converters (an encrypted phone's decryption, a JSON field's parse), looked up
        # once: Django's results_iter asks every field for them on every call.
        converters = compiler.get_converters(fields)
        convert = (lambda rows: compiler.apply_converters(rows, converters)) if converters else iter
        entry = (sql, list(params), positions, convert, _reader(queryset, compiler, alias))
        self._compiled[(alias, connections[alias].vendor)] = entry
        return entry

    def all(self, **values) -> list:
        alias = router.db_for_read(self._model)
        entry = self._compiled.get((alias, connections[alias].vendor)) or self._compile(alias)
        sql, params, positions, convert, read = entry
        params = list(params)
        for name, places in positions.items():
            for position, adapt in places:
                params[position] = adapt(values[name])
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return read(convert(rows)) if rows else []

    def first(self, **values):
        found = self.all(**values)
        return found[0] if found else None


def _reader(queryset, compiler, alias: str):
    """rows (the fields' converters applied) → what the queryset's own iterable would have given."""
    query, kind = queryset.query, queryset._iterable_class
    if kind is ModelIterable:
        klass_info, select = compiler.klass_info, compiler.select
        annotations = list(compiler.annotation_col_map.items())  # set on each instance, as ModelIterable does
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, alias)
        model_cls = klass_info["model"]

        def instances(rows) -> list:
            objects = []
            for row in rows:
                obj = model_cls.from_db(alias, init_list, row[start:end])
                for populator in populators:
                    populator.populate(row, obj)
                for name, position in annotations:
                    setattr(obj, name, row[position])
                objects.append(obj)
            return objects
        return instances
    if kind is ValuesListIterable:
        return lambda rows: [tuple(row) for row in rows]
    if kind is FlatValuesListIterable:
        return lambda rows: [row[0] for row in rows]
    if kind is ValuesIterable:
        names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select,
                                                             *query.annotation_select]
        return lambda rows: [dict(zip(names, row)) for row in rows]
    raise ValueError(f"a prepared query cannot return {kind.__name__} rows")


_SHAPES: dict = {}


def prepared(key, model, build, optional=(), repeated=(), **markers) -> PreparedQuery:
    """The PreparedQuery of one statement shape (`key`: the caller's name for it and whatever
    changes the statement's text, e.g. a subtree or the whole country), made on first use."""
    found = _SHAPES.get(key)
    if found is None:
        found = _SHAPES[key] = PreparedQuery(model, build, optional, repeated, **markers)
    return found


# Markers for the arguments most statements take: a year, a quarter, a subtree's path, a date.
YEAR, QUARTER, PATH, DAY = 30_001, 30_002, "\x00prepared-path", date(1901, 1, 4)


def subtree_markers(unit) -> dict:
    """`path` among a statement's markers unless `unit` is the root (whose subtree is everything)."""
    return {} if unit.is_root else {"path": PATH}


def subtree_values(unit) -> dict:
    return {} if unit.is_root else {"path": unit.path}


# Markers of a viewer's own ids (read_as_viewer), and of the ids a list page reads (`pk__any`).
UNIT, FILER, IDS = 30_003, 30_004, [-30_005]


def read_as_viewer(key, model, build, user, markers: dict | None = None, values: dict | None = None) -> list:
    """Rows that the app's own selectors write for `user` (its scope, its tabs), by one statement per
    shape: `build(viewer, **markers)` is called with a stand-in viewer of the same kind and role
    whose org unit id, filer unit id and subtree path are markers, so every value the statement
    holds of the viewer comes from a marker (one a selector leaves out is optional). `markers` /
    `values`: the statement's other arguments."""
    unit = user.org_unit if user.org_unit_id else None
    root = unit is not None and unit.is_root
    own = {"unit": (UNIT, user.org_unit_id) if user.org_unit_id else None,
           "filer": (FILER, user.filer_unit_id) if user.filer_unit_id else None,
           "path": (PATH, unit.path) if unit is not None and not root else None}
    own = {name: pair for name, pair in own.items() if pair is not None}
    kind, role = user.kind, getattr(user, "role", None)

    def build_for_stand_in(unit=None, filer=None, path=None, **others):
        viewer = SimpleNamespace(kind=kind, role=role, org_unit_id=unit, filer_unit_id=filer,
                                 org_unit=SimpleNamespace(is_root=root, path=path) if unit is not None else None)
        return build(viewer, **others)

    statement = prepared((key, kind, role, root, tuple(own)), model, build_for_stand_in, optional=tuple(own),
                         **{name: marker for name, (marker, _) in own.items()}, **(markers or {}))
    return statement.all(**{name: value for name, (_, value) in own.items()}, **(values or {}))
