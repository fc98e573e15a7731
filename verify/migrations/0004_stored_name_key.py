"""The folded name key as a STORED generated column (PostgreSQL only), its trigram index on it.

Measured (decision 0046, `python -m bench.verify names`): with the index on the expression, every
candidate row the index returns is rechecked by recomputing regexp_replace — seconds for a probe
whose trigrams are frequent ("平安北京": 35,000 candidates). A stored column is read, not
recomputed. The column is PostgreSQL's own (GENERATED ALWAYS … STORED): Django neither writes nor
reads it except through verify.selectors; inserts (also COPY, which lists its columns) leave it alone.
Changing the type of `name` later needs DROP COLUMN name_key first (PostgreSQL refuses otherwise).

The database's default pg_trgm.similarity_threshold goes from 0.3 to SIMILARITY: at 0.3 a short key
with a frequent beginning (平安…) let the index return tens of thousands of candidates (0.3 s);
at 0.5 the same probe costs 6 ms and still finds the near names (decision 0046). A database
default (ALTER DATABASE … SET) reaches every new session, through PgBouncer too; a deployment whose
role may not alter the database keeps 0.3 (said in docs/deploy.md), which is slower, not wrong.
"""
from django.db import DatabaseError, migrations, transaction

from verify.names import KEY_SQL

SIMILARITY = 0.5
TABLES = [("accounts_media_mediaaccount", "verify_media_key_trgm", "media_code"),
          ("websites_website", "verify_website_key_trgm", "site_code")]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, code in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS name_key text "
                              f"GENERATED ALWAYS AS ({KEY_SQL}) STORED")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (name_key gin_trgm_ops) "
                              f"WHERE {code} IS NOT NULL")
    _threshold(schema_editor, SIMILARITY)


def _threshold(schema_editor, value) -> None:
    statement = (f"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET pg_trgm.similarity_threshold = {value}', "
                 "current_database()); END $$")
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(statement, params=None)
    except DatabaseError:  # the role does not own the database: keep PostgreSQL's default (slower, not wrong)
        pass


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, code in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS name_key")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (({KEY_SQL}) gin_trgm_ops) "
                              f"WHERE {code} IS NOT NULL")
    _threshold(schema_editor, 0.3)


class Migration(migrations.Migration):
    dependencies = [("verify", "0003_imitation_continuity_accountability")]

    operations = [migrations.RunPython(forwards, backwards)]
