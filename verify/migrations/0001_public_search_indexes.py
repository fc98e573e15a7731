"""pg_trgm and the indexes of the public reads (PostgreSQL only; the SQLite demo migrates
without them and searches with icontains).

- trigram GIN indexes on media account and website names: 官方账号查询 by name (`%` and LIKE);
- (account_type, platform_id) of deleted registered accounts: a link of a deleted account;
- a partial index on the journal's public events (登记/关停/下线/恢复/删除) in time order: the
  change feed reads a page straight from it. Its action list is verify.records.PUBLIC_ACTIONS.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

PUBLIC_ACTIONS = ("approve_add", "approve_close", "approve_restore", "delete",
                  "approve", "approve_offline", "complete_offline", "emergency_offline", "restore_site")
ACTIONS_SQL = ", ".join(f"'{a}'" for a in PUBLIC_ACTIONS)

INDEXES = [
    ("verify_media_name_trgm",
     "CREATE INDEX IF NOT EXISTS verify_media_name_trgm ON accounts_media_mediaaccount USING gin (name gin_trgm_ops)"),
    ("verify_website_name_trgm",
     "CREATE INDEX IF NOT EXISTS verify_website_name_trgm ON websites_website USING gin (name gin_trgm_ops)"),
    # 官方账号查询 by link also answers for deleted accounts: their type + id, which the live-only
    # unique index of accounts_media does not cover.
    ("verify_media_removed_platform_id",
     "CREATE INDEX IF NOT EXISTS verify_media_removed_platform_id ON accounts_media_mediaaccount "
     "(account_type, platform_id) WHERE removed_at IS NOT NULL AND media_code IS NOT NULL"),
    ("verify_journal_public_events",
     "CREATE INDEX IF NOT EXISTS verify_journal_public_events ON reviews_journalentry (at DESC, id DESC) "
     f"WHERE action IN ({ACTIONS_SQL})"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_media", "0001_initial"),
        ("websites", "0001_initial"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
