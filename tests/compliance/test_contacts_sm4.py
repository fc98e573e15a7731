"""Phone numbers and e-mail addresses of SMS codes and notifications encrypted at rest (SM4-GCM,
decision 0052): ciphertext in SQL, read back, looked up by an HMAC-SM3 digest, re-encrypted by
rotate_keys, existing rows encrypted by the data migrations."""
import importlib
import re
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db import connection

from accounts import sms
from accounts.models import SmsCode
from accounts.verification import Purpose, check_code, send_code
from notifications.models import Notification

KEY1 = "k1=" + "11" * 16
KEY2 = "k2=" + "22" * 16


def _raw(table: str, columns: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_sms_code_mobile_is_ciphertext_looked_up_by_digest_and_rotated(users, settings):
    settings.DATA_KEYS = KEY1
    sms.outbox.clear()
    send_code("13900000002", Purpose.RESET_PASSWORD)
    row = SmsCode.objects.for_mobile("13900000002").get()
    mobile, digest = _raw("accounts_smscode", "mobile, mobile_digest", row.pk)
    assert mobile.startswith("sm4:k1:") and "13900000002" not in mobile
    assert digest == SmsCode.digest_of("13900000002") and "13900000002" not in digest
    assert row.mobile == "13900000002"

    settings.DATA_KEYS = f"{KEY2},{KEY1}"
    call_command("rotate_keys", stdout=StringIO())
    assert _raw("accounts_smscode", "mobile", row.pk)[0].startswith("sm4:k2:")
    settings.DATA_KEYS = KEY2  # the old key gone: the code is still found and checked
    code = re.search(r"(\d{6})", sms.outbox[-1].message).group(1)
    check_code("13900000002", Purpose.RESET_PASSWORD, code)
    row.refresh_from_db()
    assert row.used_at is not None and row.mobile == "13900000002"


def test_notification_addresses_are_ciphertext_read_back_and_rotated(users, settings):
    settings.DATA_KEYS = KEY1
    note = Notification.objects.create(user=users["l1"], kind="test", title="测试", sms_to="13700001111",
                                       email_to="gk@beijing.gov.cn")
    sms_to, email_to = _raw("notifications_notification", "sms_to, email_to", note.pk)
    assert sms_to.startswith("sm4:k1:") and email_to.startswith("sm4:k1:")
    assert "13700001111" not in sms_to and "beijing" not in email_to
    note = Notification.objects.get(pk=note.pk)
    assert (note.sms_to, note.email_to) == ("13700001111", "gk@beijing.gov.cn")

    settings.DATA_KEYS = f"{KEY2},{KEY1}"
    call_command("rotate_keys", stdout=StringIO())
    assert all(v.startswith("sm4:k2:") for v in _raw("notifications_notification", "sms_to, email_to", note.pk))
    settings.DATA_KEYS = KEY2
    note = Notification.objects.get(pk=note.pk)
    assert (note.sms_to, note.email_to) == ("13700001111", "gk@beijing.gov.cn")


def test_data_migrations_encrypt_rows_stored_in_clear(users):
    note = Notification.objects.create(user=users["l1"], kind="test", title="测试", sms_to="x", email_to="y")
    code = SmsCode.objects.create(mobile="13900000003", purpose="reset_password", code_hash="0" * 64,
                                  expires_at="2030-01-01T00:00:00Z")
    with connection.cursor() as cursor:  # as rows written before these columns were encrypted
        cursor.execute("UPDATE notifications_notification SET sms_to = '13700002222', email_to = 'a@b.gov.cn' "
                       "WHERE id = %s", [note.pk])
        cursor.execute("UPDATE accounts_smscode SET mobile = '13900000003', mobile_digest = '' WHERE id = %s", [code.pk])
    importlib.import_module("notifications.migrations.0004_contacts_sm4").encrypt_existing(apps, None)
    importlib.import_module("accounts.migrations.0006_smscode_mobile_sm4").encrypt_existing(apps, None)
    assert all(v.startswith("sm4:") for v in _raw("notifications_notification", "sms_to, email_to", note.pk))
    mobile, digest = _raw("accounts_smscode", "mobile, mobile_digest", code.pk)
    assert mobile.startswith("sm4:") and digest == SmsCode.digest_of("13900000003")
    assert SmsCode.objects.for_mobile("13900000003").get().mobile == "13900000003"
    note = Notification.objects.get(pk=note.pk)
    assert (note.sms_to, note.email_to) == ("13700002222", "a@b.gov.cn")
