"""Phone numbers and e-mail addresses inside JSON columns encrypted at rest (SM4-GCM, decision 0052):
the journal's person_phone, changes and data, an account's and a website's pending changes and
last review, a login's remembered reviewer, an imitation report's contact. Ciphertext in SQL, read
back in clear, re-encrypted by rotate_keys, rows written before encrypted by the data migrations —
and the journal's chain (over the plain text) still verifies; the trigger lets only that through."""
import importlib
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from accounts_media import bulk
from accounts_media.models import MediaAccount
from govmedia.common import gm
from govmedia.ops import keys
from reviews import chain
from reviews.models import JournalEntry
from tests.conftest import requires_postgres
from tests.control.helpers import make_account
from tests.factories import make_website
from verify import imitation
from verify.models import ImitationReport
from websites.models import Website

pytestmark = requires_postgres

KEY1 = "k1=" + "11" * 16
KEY2 = "k2=" + "22" * 16
PHONE, OLD_PHONE, MAIL = "13911112222", "13833334444", "lxr@haidian.gov.cn"


def _row_text(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_jsonb(t)::text FROM {table} t WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _stored(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        value = cursor.fetchone()[0]
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def _journal_with_person(users) -> JournalEntry:
    entry = JournalEntry(subject_type="filer_unit", subject_id=users["filer"].filer_unit_id, action="review",
                         action_label="审核", person_name="王审核", person_phone=PHONE,
                         changes=[{"field": "contact_mobile", "label": "联系人手机号", "old": OLD_PHONE, "new": PHONE},
                                  {"field": "name", "label": "名称", "old": "旧名", "new": "新名"}],
                         data={"reviewer_phone": PHONE, "applicant": {"email": MAIL}, "note": "无"})
    return chain.append(entry)


def _verify_ok() -> bool:
    out = StringIO()
    try:
        call_command("verify_journal", stdout=out)
    except SystemExit:
        return False
    return "完整" in out.getvalue()


def test_contacts_in_json_are_ciphertext_and_read_back(users, settings):
    settings.DATA_KEYS = KEY1
    entry = _journal_with_person(users)
    text = _row_text("reviews_journalentry", entry.pk)
    assert PHONE not in text and OLD_PHONE not in text and MAIL not in text
    assert "新名" in text and "王审核" in text  # the rest of the JSON stays readable
    stored = _stored("reviews_journalentry", "changes", entry.pk)
    assert stored[0]["new"].startswith("sm4:k1:") and stored[1]["new"] == "新名"
    again = JournalEntry.objects.get(pk=entry.pk)
    assert again.person_phone == PHONE and again.changes[0]["old"] == OLD_PHONE
    assert again.data == {"reviewer_phone": PHONE, "applicant": {"email": MAIL}, "note": "无"}
    assert _verify_ok()

    account = make_account(users["filer"].filer_unit, "海淀发布", "https://weibo.com/hdfb", "A1",
                           pending_changes={"contact_mobile": PHONE, "name": "海淀发布2"},
                           request_data={"applicant_name": "李申请", "applicant_phone": OLD_PHONE},
                           last_review={"reviewer_name": "王审核", "reviewer_phone": PHONE})
    site = make_website(users["org"].org_unit, "海淀区政府网站", pending_changes={"contact_email": MAIL},
                        last_review={"result": "同意", "reviewer_phone": PHONE})
    bulk.remember_reviewer(users["org"], "王审核", PHONE)
    report = imitation.report("https://weibo.com/fake-haidian", "海淀发布", contact=MAIL)
    for table, pk in (("accounts_media_mediaaccount", account.pk), ("websites_website", site.pk),
                      ("accounts_user", users["org"].pk), ("verify_imitationreport", report.pk)):
        text = _row_text(table, pk)
        assert PHONE not in text and OLD_PHONE not in text and MAIL not in text, table
        assert '"sm4:k1:' in text or "sm4:k1:" in text, table
    account = MediaAccount.objects.get(pk=account.pk)
    assert account.pending_changes["contact_mobile"] == PHONE and account.request_data["applicant_phone"] == OLD_PHONE
    assert Website.objects.get(pk=site.pk).pending_changes == {"contact_email": MAIL}
    assert User.objects.get(pk=users["org"].pk).preferences["reviewer"] == {"name": "王审核", "phone": PHONE}
    assert ImitationReport.objects.get(pk=report.pk).contact == MAIL
    with connection.cursor() as cursor:  # no journal row holds them in clear either (the report's own included)
        cursor.execute("SELECT count(*) FROM reviews_journalentry t WHERE to_jsonb(t)::text LIKE %s OR to_jsonb(t)::text "
                       "LIKE %s", [f"%{PHONE}%", f"%{MAIL}%"])
        assert cursor.fetchone()[0] == 0


def test_rotation_reencrypts_json_contacts_and_the_chain_still_verifies(users, settings):
    settings.DATA_KEYS = KEY1
    entry = _journal_with_person(users)
    account = make_account(users["filer"].filer_unit, "海淀发布", "https://weibo.com/hdfb", "A1",
                           last_review={"reviewer_name": "王审核", "reviewer_phone": PHONE})
    assert "reviews.journalentry.changes" not in keys.pending()
    settings.DATA_KEYS = f"{KEY2},{KEY1}"
    left = keys.pending()
    assert left["reviews.journalentry.changes"] >= 1 and left["reviews.journalentry.person_phone"] >= 1
    assert left["accounts_media.mediaaccount.last_review"] == 1
    call_command("rotate_keys", "--batch", "2", stdout=StringIO())
    assert keys.pending() == {}
    assert "k2" in keys.key_ids_in_use()
    text = _row_text("reviews_journalentry", entry.pk)
    assert "sm4:k1:" not in text and "sm4:k2:" in text and PHONE not in text
    assert _stored("accounts_media_mediaaccount", "last_review", account.pk)["reviewer_phone"].startswith("sm4:k2:")
    settings.DATA_KEYS = KEY2  # the old key gone: everything still reads
    assert JournalEntry.objects.get(pk=entry.pk).changes[0]["new"] == PHONE
    assert MediaAccount.objects.get(pk=account.pk).last_review["reviewer_phone"] == PHONE
    assert _verify_ok()


def _plain_again(table: str, column: str, pk: int, value) -> None:
    """As a row written before the column was encrypted (the guard switched off, as a DBA would)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL govmedia.journal_maintenance = 'on'")
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s",
                       [json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value, pk])


def test_data_migrations_encrypt_json_rows_stored_in_clear(users, settings):
    settings.DATA_KEYS = KEY1
    entry = _journal_with_person(users)
    plain_changes = JournalEntry.objects.get(pk=entry.pk).changes
    _plain_again("reviews_journalentry", "changes", entry.pk, plain_changes)
    _plain_again("reviews_journalentry", "data", entry.pk, {"reviewer_phone": PHONE, "applicant": {"email": MAIL},
                                                              "note": "无"})
    _plain_again("reviews_journalentry", "person_phone", entry.pk, PHONE)
    account = make_account(users["filer"].filer_unit, "海淀发布", "https://weibo.com/hdfb", "A1")
    site = make_website(users["org"].org_unit, "海淀区政府网站")
    report = imitation.report("https://weibo.com/fake-haidian", "海淀发布", contact=MAIL)
    _plain_again("accounts_media_mediaaccount", "request_data", account.pk, {"applicant_phone": PHONE})
    _plain_again("websites_website", "last_review", site.pk, {"reviewer_phone": PHONE})
    _plain_again("accounts_user", "preferences", users["org"].pk, {"reviewer": {"name": "王", "phone": PHONE}})
    _plain_again("verify_imitationreport", "contact", report.pk, MAIL)
    assert PHONE in _row_text("reviews_journalentry", entry.pk)
    assert _verify_ok()  # the chain covers the plain text: the stored form does not matter to it

    for module in ("reviews.migrations.0006_contacts_sm4", "accounts_media.migrations.0008_contacts_sm4",
                   "websites.migrations.0009_contacts_sm4", "accounts.migrations.0007_contacts_sm4",
                   "verify.migrations.0005_contacts_sm4"):
        importlib.import_module(module).encrypt_existing(apps, None)
    for table, pk in (("reviews_journalentry", entry.pk), ("accounts_media_mediaaccount", account.pk),
                      ("websites_website", site.pk), ("accounts_user", users["org"].pk),
                      ("verify_imitationreport", report.pk)):
        assert PHONE not in _row_text(table, pk) and MAIL not in _row_text(table, pk), table
    assert JournalEntry.objects.get(pk=entry.pk).changes == plain_changes
    assert MediaAccount.objects.get(pk=account.pk).request_data == {"applicant_phone": PHONE}
    assert _verify_ok()


def _rekey(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL govmedia.rekey = 'on'")
        cursor.execute(sql, params)


def test_the_trigger_admits_only_a_reencryption_of_contacts(users, settings):
    settings.DATA_KEYS = KEY1
    entry = _journal_with_person(users)
    stored = _stored("reviews_journalentry", "data", entry.pk)
    # without the switch: refused as before
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_journalentry SET person_phone = %s WHERE id = %s", [gm.encrypt(PHONE), entry.pk])
    # with it: anything but the stored form of the contacts is still refused
    for sql, params in (("UPDATE reviews_journalentry SET reason = 'x' WHERE id = %s", [entry.pk]),
                        ("UPDATE reviews_journalentry SET person_phone = %s WHERE id = %s", [PHONE, entry.pk]),
                        ("UPDATE reviews_journalentry SET data = %s WHERE id = %s",
                         [json.dumps({**stored, "note": "改了"}), entry.pk]),
                        ("UPDATE reviews_journalentry SET data = %s WHERE id = %s",
                         [json.dumps({**stored, "reviewer_phone": PHONE}), entry.pk])):
        with pytest.raises(DatabaseError):
            _rekey(sql, params)
    # a re-encryption passes; a different number under a fresh token passes the trigger but not the chain
    _rekey("UPDATE reviews_journalentry SET person_phone = %s WHERE id = %s", [gm.encrypt(PHONE), entry.pk])
    assert _verify_ok()
    _rekey("UPDATE reviews_journalentry SET data = %s WHERE id = %s",
           [json.dumps({**stored, "reviewer_phone": gm.encrypt("13000000000")}), entry.pk])
    assert not _verify_ok()
