"""Serial numbers for generated codes, safe under concurrency.

`next_serial` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement: the database
row-locks the counter, so two transactions never get the same serial, and the counter row is
created on first use without a race. `floor` (the highest serial already present in the data)
keeps a lost or new counter from handing out a code that exists; given as SQL (`floor_sql`),
it is computed inside the same statement (one query for the floor and the serial).
"""
from django.db import connection

from .models import CodeSequence


class SerialExhausted(Exception):
    pass


def next_serial(scope: str, floor: int = 0, maximum: int | None = None,
                floor_sql: tuple[str, tuple | list] | None = None) -> int:
    """`floor_sql`: (sql, params) of a query giving the floor (one row, one integer column, or no row)."""
    table = connection.ops.quote_name(CodeSequence._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    inner, inner_params = floor_sql or ("SELECT %s", [floor])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, last) "
            f"SELECT %s, COALESCE(({inner}), 0) + 1 WHERE true "  # WHERE: SQLite's upsert after a SELECT
            f"ON CONFLICT (scope) DO UPDATE SET last = {greatest}({table}.last, excluded.last - 1) + 1 "
            f"RETURNING last",
            [scope, *inner_params],
        )
        serial = cursor.fetchone()[0]
    if maximum is not None and serial > maximum:
        raise SerialExhausted(scope)
    return serial
