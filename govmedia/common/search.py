"""Search by any part of a name or a code, on an index at national scale (decision 0050).

`part_of("name", "上庄")` is the filter for "the field contains this text, any case". On
PostgreSQL it is served by an index whatever the length of the text:
- 3 characters or more: the pg_trgm GIN index of the column (ILIKE '%…%');
- 1 or 2 characters (上庄, 发布 — trigrams give nothing, the table would be read whole): the GIN
  index on `gm_grams(column)`, every character and every pair of characters of the value
  (accounts_media migration 0006), asked with `@>`, then the same ILIKE on the rows it names.
Elsewhere (the SQLite demo) it is a plain icontains.
"""
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connection, models
from django.db.models import F, Func, Q, Value
from django.db.models.lookups import BuiltinLookup, IContains


def grams(text: str) -> list[str]:
    """What gm_grams() stores for a text: its characters and pairs of characters, lower-cased."""
    low = text.lower()
    return sorted({low[i] for i in range(len(low))} | {low[i:i + 2] for i in range(len(low) - 1)})


@models.CharField.register_lookup
@models.TextField.register_lookup
class Part(IContains):
    """`field__part=value`: icontains as `field ILIKE '%value%'` on PostgreSQL — Django's icontains
    compares UPPER(field), which no trigram index of the column serves."""

    lookup_name = "part"

    def process_lhs(self, compiler, connection, lhs=None):
        if connection.vendor == "postgresql":
            return super(BuiltinLookup, self).process_lhs(compiler, connection, lhs)
        return super().process_lhs(compiler, connection, lhs)

    def get_rhs_op(self, connection, rhs):
        # Elsewhere (the SQLite demo) `part` is icontains: no backend has an operator of that name.
        if self.rhs_is_direct_value():
            return connection.operators["icontains"] % rhs
        return connection.pattern_ops["icontains"].format(rhs)

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", (*lhs_params, *rhs_params)


TEXT_ARRAY = ArrayField(models.TextField())  # one field for every such expression (a field costs ~12 µs to make)


class Grams(Func):
    function = "gm_grams"
    output_field = TEXT_ARRAY


def part_of(field: str, value: str):
    """The condition "`field` contains `value`" (a filter() argument), index-served on PostgreSQL."""
    value = (value or "").strip()
    q = Q(**{f"{field}__part": value})
    if connection.vendor != "postgresql" or not value or len(value) >= 3:
        return q
    wanted = Value([value.lower()], output_field=TEXT_ARRAY)  # a 1–2 character value is one gram
    return q & Q(DataContains(Grams(F(field)), wanted))
