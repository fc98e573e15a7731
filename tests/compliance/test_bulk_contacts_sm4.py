"""Rows written in bulk (COPY: bulk creation through the review engine, the bench's generator) keep
personal data as every other write does: the encrypted columns and the contacts inside JSON
columns as SM4 tokens, read back in clear."""
import pytest
from django.db import connection

from govmedia.common import gm
from govmedia.common.bulk import copy_objects, copy_rows
from orgtree.models import FilerUnit
from reviews.models import JournalEntry

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's (elsewhere bulk_create, the field API)")
def test_copy_rows_stores_the_encrypted_columns_as_tokens(tree):
    org = tree["110108"]
    columns = ["id", "code", "name", "org_unit_id", "status", "created_at", "updated_at", "head_name", "head_title",
               "head_mobile", "head_landline", "contact_name", "contact_title", "contact_mobile", "contact_landline",
               "media_count", "account_total", "version", "delete_reason", "deleted_by"]
    copy_rows(FilerUnit, columns, [(9001, "110108A901", "海淀区甲局", org.pk, "active", "2026-12-01T08:00:00+08:00",
                                    "2026-12-01T08:00:00+08:00", "王强", "主任", "13800001111", "", "李娜", "科员", "",
                                    "", 0, 0, 0, "", "")])
    stored = _raw("orgtree_filerunit", "head_mobile", 9001)
    assert gm.is_token(stored) and "13800001111" not in stored
    assert _raw("orgtree_filerunit", "contact_mobile", 9001) == ""  # empty stays empty
    unit = FilerUnit.objects.get(pk=9001)
    assert (unit.head_mobile, unit.contact_mobile) == ("13800001111", "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's (elsewhere bulk_create, the field API)")
def test_copy_objects_stores_the_contacts_inside_json_as_tokens():
    entry = JournalEntry(subject_type="media_account", subject_id=1, action="submit", action_label="提交",
                         person_phone="13900002222",
                         changes=[{"field": "contact_mobile", "label": "手机号", "old": "", "new": "13700003333"}],
                         data={"contact_mobile": "13600004444", "name": "上庄发布"})
    copy_objects([entry])
    assert gm.is_token(_raw("reviews_journalentry", "person_phone", entry.pk))
    changes, data = _raw("reviews_journalentry", "changes", entry.pk), _raw("reviews_journalentry", "data", entry.pk)
    assert "13700003333" not in changes and "13600004444" not in data and "sm4:" in changes and "sm4:" in data
    assert "上庄发布" in data  # only the contacts are tokens
    read = JournalEntry.objects.get(pk=entry.pk)
    assert read.person_phone == "13900002222"
    assert read.changes[0]["new"] == "13700003333" and read.data["contact_mobile"] == "13600004444"
