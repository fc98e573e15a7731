"""Fast bulk inserts: PostgreSQL COPY, with plain INSERTs elsewhere.

Django's `bulk_create` prepares every field of every row through the field API, which costs more
than the database work for thousands of rows (docs/benchmarks.md: importing 5,000 accounts).
`copy_rows` streams ready tuples; `copy_objects` turns model instances into tuples cheaply
(ids reserved from the table's sequence in one query, auto_now fields filled, JSON dumped).
"""
import io
import json

from django.db import connection, models
from django.utils import timezone


def tsv(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model, columns: list[str], rows) -> None:
    """Write ready tuples (one value per column of `columns`). The values of encrypted columns
    (personal data, govmedia.common.gm) are stored as the model stores them: as tokens."""
    table = model._meta.db_table
    rows = _encrypted_as_stored(model, columns, rows)
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(tsv(v) for v in row) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor, connection.wrap_database_errors:  # IntegrityError as Django's
            cursor.cursor.copy_expert(f'COPY {table} ({", ".join(columns)}) FROM STDIN', buffer)
        return
    rows = list(rows)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({placeholders})',
                               rows[start:start + 5000])


def _encrypted_as_stored(model, columns: list[str], rows):
    """`rows` with the values of the model's encrypted columns encrypted (a token or "" as is)."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    encrypted = [(i, by_column[c]) for i, c in enumerate(columns) if getattr(by_column.get(c), "encrypted", False)]
    if not encrypted:
        return rows
    return (_with_tokens(row, encrypted) for row in rows)


def _with_tokens(row, encrypted) -> tuple:
    row = list(row)
    for i, field in encrypted:
        row[i] = field.get_prep_value(row[i])
    return tuple(row)


def copy_objects(objs: list[models.Model]) -> list[models.Model]:
    """Insert unsaved instances of one model; sets their pk. Falls back to bulk_create off PostgreSQL."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=1000)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields]
    converters = []
    for field in fields:
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            converters.append((field.attname, "now"))
        elif isinstance(field, models.JSONField):
            converters.append((field.attname, field))  # its contacts as tokens (gm.EncryptedContactsJSONField)
        else:  # (an encrypted column's value is encrypted by copy_rows)
            converters.append((field.attname, None))
    rows = []
    for obj, pk in zip(objs, ids):
        obj.pk = pk
        row = []
        for attname, kind in converters:
            if kind == "now":
                setattr(obj, attname, now)
            value = getattr(obj, attname)
            if isinstance(kind, models.Field):
                value = json.dumps(kind.get_prep_value(value), ensure_ascii=False)
            row.append(value)
        obj._state.adding = False
        rows.append(row)
    copy_rows(model, [f.column for f in fields], rows)
    return objs
