# The journal's contacts encrypted at rest (SM4-GCM, decision 0052): person_phone, and the phone and
# e-mail values inside `changes` and `data`. The chain's mac covers the plain text (reviews/chain.py),
# so rows sealed before still verify. The append-only trigger admits one more UPDATE: under
# `SET LOCAL govmedia.rekey = 'on'` (govmedia/ops/keys.py), a change of the stored form of the
# contacts only — every other column equal, the JSON equal once its contacts are blanked, and the
# new contacts all tokens. A changed phone number under a token is still named by verify_journal.

import importlib

import govmedia.common.gm
from django.db import migrations

# gm.CONTACT_KEY in SQL: keep them in step.
CONTACTS = r"""
CREATE OR REPLACE FUNCTION reviews_journal_contacts_blanked(j jsonb, plain text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    result jsonb;
    k text;
    v jsonb;
    is_row boolean;
BEGIN
    IF j IS NULL THEN RETURN NULL; END IF;
    IF jsonb_typeof(j) = 'object' THEN
        is_row := jsonb_typeof(j -> 'field') = 'string'
                  AND (j ->> 'field') ~ '(^|_)(mobile|phone|email|landline|contact)$';
        result := '{}'::jsonb;
        FOR k, v IN SELECT * FROM jsonb_each(j) LOOP
            IF jsonb_typeof(v) = 'string' AND (v #>> '{}') <> ''
               AND (k ~ '(^|_)(mobile|phone|email|landline|contact)$' OR (is_row AND k IN ('old', 'new'))) THEN
                result := result || jsonb_build_object(k, CASE WHEN (v #>> '{}') LIKE 'sm4:%' THEN 'sealed' ELSE plain END);
            ELSE
                result := result || jsonb_build_object(k, reviews_journal_contacts_blanked(v, plain));
            END IF;
        END LOOP;
        RETURN result;
    ELSIF jsonb_typeof(j) = 'array' THEN
        SELECT coalesce(jsonb_agg(reviews_journal_contacts_blanked(e, plain) ORDER BY i), '[]'::jsonb) INTO result
        FROM jsonb_array_elements(j) WITH ORDINALITY AS a(e, i);
        RETURN result;
    END IF;
    RETURN j;
END
$$;

CREATE OR REPLACE FUNCTION reviews_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('govmedia.journal_maintenance', true), '') = 'on' AND (
        (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
        OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'govmedia_journal_maintainer'
                   AND pg_has_role(session_user, r.oid, 'MEMBER'))) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'scope_path' - 'actor_id') = (to_jsonb(OLD) - 'scope_path' - 'actor_id')
       AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND coalesce(current_setting('govmedia.rekey', true), '') = 'on'
       AND (to_jsonb(NEW) - 'person_phone' - 'changes' - 'data') = (to_jsonb(OLD) - 'person_phone' - 'changes' - 'data')
       AND (NEW.person_phone = '') = (OLD.person_phone = '')
       AND (NEW.person_phone = '' OR NEW.person_phone LIKE 'sm4:%')
       AND reviews_journal_contacts_blanked(NEW.changes, 'sealed') = reviews_journal_contacts_blanked(OLD.changes, 'sealed')
       AND reviews_journal_contacts_blanked(NEW.data, 'sealed') = reviews_journal_contacts_blanked(OLD.data, 'sealed')
       AND reviews_journal_contacts_blanked(NEW.changes, 'plain') = reviews_journal_contacts_blanked(NEW.changes, 'sealed')
       AND reviews_journal_contacts_blanked(NEW.data, 'plain') = reviews_journal_contacts_blanked(NEW.data, 'sealed') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '流水（操作日志）只能追加，不能修改或删除（%）', TG_OP USING ERRCODE = '42501';
END
$$;
"""
DROP_CONTACTS = "DROP FUNCTION IF EXISTS reviews_journal_contacts_blanked(jsonb, text);"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: the % of RAISE stays as it is
            cursor.execute(CONTACTS)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("reviews.migrations.0004_journal_chain").APPEND_ONLY
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(previous)
            cursor.execute(DROP_CONTACTS)


def encrypt_existing(apps, schema_editor):
    from govmedia.ops import keys

    JournalEntry = apps.get_model("reviews", "JournalEntry")
    keys.encrypt_column(JournalEntry, "person_phone")
    keys.encrypt_json_column(JournalEntry, "changes")
    keys.encrypt_json_column(JournalEntry, "data")


class Migration(migrations.Migration):
    atomic = False  # the rows are encrypted in batches, each its own transaction

    dependencies = [
        ('reviews', '0005_audit_checks_archives'),
    ]

    operations = [
        migrations.AlterField(
            model_name='journalentry',
            name='changes',
            field=govmedia.common.gm.EncryptedContactsJSONField(blank=True, default=list, verbose_name='变更字段'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='data',
            field=govmedia.common.gm.EncryptedContactsJSONField(blank=True, default=dict, verbose_name='申请内容'),
        ),
        migrations.AlterField(
            model_name='journalentry',
            name='person_phone',
            field=govmedia.common.gm.EncryptedCharField(blank=True, max_length=30, verbose_name='经办人电话'),
        ),
        migrations.RunPython(install, remove),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
