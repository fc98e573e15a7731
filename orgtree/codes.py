"""Serial numbers for generated codes, safe under concurrency.

`next_serial` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement: the database
row-locks the counter, so two transactions never get the same serial, and the counter row is
created on first use without a race. `floor` (the highest serial already present in the data)
keeps a lost or new counter from handing out a code that exists.
"""
from django.db import connection

from .models import CodeSequence


class SerialExhausted(Exception):
    pass


def next_serial(scope: str, floor: int = 0, maximum: int | None = None) -> int:
    table = connection.ops.quote_name(CodeSequence._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, last) VALUES (%s, %s) "
            f"ON CONFLICT (scope) DO UPDATE SET last = {greatest}({table}.last, %s) + 1 "
            f"RETURNING last",
            [scope, floor + 1, floor],
        )
        serial = cursor.fetchone()[0]
    if maximum is not None and serial > maximum:
        raise SerialExhausted(scope)
    return serial
