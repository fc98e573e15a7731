"""The few fragments of our raw SQL that PostgreSQL (production) and SQLite (`make demo`, embedded
defaults) write differently, so one statement serves both. Everything else in those statements is
common SQL (CASE, COALESCE, CAST(x AS INTEGER/TEXT), trim, aggregate FILTER, INSERT … ON CONFLICT
DO NOTHING RETURNING — SQLite ≥ 3.35). PostgreSQL-only work that has no SQLite form (the trigram
indexes, the rollups' locks) is guarded where it is done.

Each function takes the connection the statement runs on."""
import json

from django.db import migrations
from django.db.backends.signals import connection_created
from django.dispatch import receiver


def is_postgresql(connection) -> bool:
    return connection.vendor == "postgresql"


def in_list(connection, placeholder: str = "%s") -> str:
    """`column {in_list(...)}` with `ids(connection, values)` as the parameter: a membership test
    with the whole list as one parameter (PostgreSQL's array, SQLite's JSON array)."""
    return f"= ANY({placeholder})" if is_postgresql(connection) else f"IN (SELECT value FROM json_each({placeholder}))"


def ids(connection, values) -> list | str:
    return list(values) if is_postgresql(connection) else json.dumps(list(values))


def column_statistics(table: str, column: str, target: int) -> migrations.RunPython:
    """A migration's operation: PostgreSQL's statistics target of one column (SQLite keeps none).
    A subtree's rows are read by a prefix of their materialised path (`org_path LIKE '/GB0000/…/%'`):
    with the default 100 histogram buckets (2,500 of 250,000 accounts each) a county's 86 accounts
    were estimated at 2,268, and its first page walked the list's order index through every account
    (200 ms) instead of reading its 86 by the path index (0.4 ms). With 1,000 the paths' counts are
    known; ANALYZE reads more rows to learn them (a second or two for a million journal rows)."""
    def apply(apps, schema_editor, value=target):
        if is_postgresql(schema_editor.connection):
            schema_editor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS {int(value)}')
            schema_editor.execute(f'ANALYZE "{table}" ("{column}")')  # now, not at autovacuum's next pass

    def revert(apps, schema_editor):
        apply(apps, schema_editor, -1)  # the server's default again

    return migrations.RunPython(apply, revert)


PATH_STATISTICS = 1000  # column_statistics' target for the materialised paths a subtree is read by


def json_pairs(connection, placeholder: str) -> str:
    """A table (key, value) of the text pairs of a JSON object given as a parameter."""
    return f"jsonb_each_text({placeholder}::jsonb)" if is_postgresql(connection) else f"json_each({placeholder})"


def json_elements(connection, column: str) -> str:
    """A table (value) of the text elements of a JSON array column."""
    return f"jsonb_array_elements_text({column})" if is_postgresql(connection) else f"json_each({column})"


def as_date(connection, expression: str) -> str:
    """A date from ISO text (SQLite keeps dates as ISO text: the text is the date)."""
    return f"CAST({expression} AS date)" if is_postgresql(connection) else expression


def empty_json_array(connection) -> str:
    return "'[]'::jsonb" if is_postgresql(connection) else "'[]'"


def days_between(connection, later: str, earlier: str) -> str:
    """Whole days from the date `earlier` to the date `later` (both SQL expressions)."""
    if is_postgresql(connection):
        return f"(CAST({later} AS date) - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def for_update(connection) -> str:
    """Row locks (SQLite locks the whole database for a write transaction)."""
    return " FOR UPDATE" if is_postgresql(connection) else ""


def _split_part(text, delimiter, n):
    if text is None or delimiter is None or n is None:
        return None
    parts = str(text).split(delimiter)
    return parts[n - 1] if 0 < n <= len(parts) else ""


@receiver(connection_created)
def add_sqlite_functions(sender, connection, **kwargs):
    """PostgreSQL's functions our statements call, for the SQLite demo."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("split_part", 3, _split_part, deterministic=True)
