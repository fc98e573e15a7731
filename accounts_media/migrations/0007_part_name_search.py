"""Search by any part of a name or code on every list (issue 30, decision 0050; PostgreSQL only,
the SQLite demo searches with icontains).

- gm_grams(text): every character and every pair of characters of a text, lower-cased; a GIN
  index on it answers the 1–2 character searches (上庄, 发布) that trigrams cannot;
- pg_trgm GIN indexes for the 3+ character searches of the columns verify/0001 did not cover:
  名称 (verify/0002 replaced its raw-name indexes by a folded key), 新媒体标识码, 填报单位全称 and 唯一标识,
  网站名称, 网站标识码 and 首页网址.
"""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION gm_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, char_length(t)) AS i
    UNION ALL SELECT substr(lower(t), i, 2) FROM generate_series(1, char_length(t) - 1) AS i) AS s $$
"""

INDEXES = [
    ("search_media_name_grams", "accounts_media_mediaaccount USING gin (gm_grams(name))"),
    # 3+ characters of a name: verify/0002 dropped its trigram index on the raw name (官方账号查询
    # searches a folded key), the lists' search by part needs one of its own.
    ("search_media_name_trgm", "accounts_media_mediaaccount USING gin (name gin_trgm_ops)"),
    ("search_media_code_trgm", "accounts_media_mediaaccount USING gin (media_code gin_trgm_ops)"),
    ("search_filer_name_grams", "orgtree_filerunit USING gin (gm_grams(name))"),
    ("search_filer_name_trgm", "orgtree_filerunit USING gin (name gin_trgm_ops)"),
    ("search_filer_code_trgm", "orgtree_filerunit USING gin (code gin_trgm_ops)"),
    ("search_website_name_grams", "websites_website USING gin (gm_grams(name))"),
    ("search_website_name_trgm", "websites_website USING gin (name gin_trgm_ops)"),
    ("search_website_code_trgm", "websites_website USING gin (site_code gin_trgm_ops)"),
    ("search_website_homepage_trgm", "websites_website USING gin (homepage gin_trgm_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, target in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS gm_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts_media", "0006_personal_data_sm4"),
        ("orgtree", "0001_initial"),
        ("websites", "0006_offline_reviewer_since"),
        ("verify", "0002_name_key_indexes"),  # pg_trgm, and after verify dropped its raw-name trigram indexes
    ]

    operations = [migrations.RunPython(create, drop)]
