"""The near-name search on a folded key (verify/names.py, docs/decisions/0046), PostgreSQL only:

- a trigram GIN index on KEY_SQL (the name without 人民/官方/政务/发布/网站… and punctuation) of
  media accounts and websites, replacing the trigram indexes on the raw name, whose posting lists
  for the trigrams of 发布 covered most of the registry;
- a btree on the name for the exact match, which the answer puts first.
"""
from django.db import migrations

from verify.names import KEY_SQL

INDEXES = [
    ("verify_media_key_trgm",
     f"CREATE INDEX IF NOT EXISTS verify_media_key_trgm ON accounts_media_mediaaccount USING gin (({KEY_SQL}) gin_trgm_ops) "
     "WHERE media_code IS NOT NULL"),
    ("verify_website_key_trgm",
     f"CREATE INDEX IF NOT EXISTS verify_website_key_trgm ON websites_website USING gin (({KEY_SQL}) gin_trgm_ops) "
     "WHERE site_code IS NOT NULL"),
    ("verify_media_name",
     "CREATE INDEX IF NOT EXISTS verify_media_name ON accounts_media_mediaaccount (name) WHERE media_code IS NOT NULL"),
    ("verify_website_name",
     "CREATE INDEX IF NOT EXISTS verify_website_name ON websites_website (name) WHERE site_code IS NOT NULL"),
]
OLD = [
    ("verify_media_name_trgm",
     "CREATE INDEX IF NOT EXISTS verify_media_name_trgm ON accounts_media_mediaaccount USING gin (name gin_trgm_ops)"),
    ("verify_website_name_trgm",
     "CREATE INDEX IF NOT EXISTS verify_website_name_trgm ON websites_website USING gin (name gin_trgm_ops)"),
]


def _run(schema_editor, create, drop):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for _, sql in create:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, INDEXES, OLD)


def backwards(apps, schema_editor):
    _run(schema_editor, OLD, INDEXES)


class Migration(migrations.Migration):
    dependencies = [("verify", "0001_public_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
