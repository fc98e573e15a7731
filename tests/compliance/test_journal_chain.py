"""The tamper-evident journal (decision 0053): HMAC-SM3 chain, verify_journal naming the first
broken link, the application role refused UPDATE/DELETE, the daily check, archives and export."""
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from reviews import audit, journal
from reviews.models import JournalArchive, JournalCheck, JournalEntry
from tests.conftest import requires_postgres

pytestmark = requires_postgres


def _entries(users, n=4):
    return [journal.record(users["filer"], "filer_info", users["org"], before={"name": f"旧{i}"}, after={"name": f"新{i}"})
            for i in range(n)]


def _maintenance(sql: str, params=()):
    """What a database superuser can do after switching the guard off for a session."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL govmedia.journal_maintenance = 'on'")
        cursor.execute(sql, params)


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_journal", stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_entries_are_chained_and_verify(users):
    entries = _entries(users)
    seqs = [e.chain_seq for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + 4)) and len({e.chain_partition for e in entries}) == 1
    assert all(len(e.chain_mac) == 64 for e in entries)
    code, out = _verify()
    assert code == 0 and "完整" in out


def test_a_row_edited_in_sql_is_named(users):
    entries = _entries(users)
    target = entries[2]
    _maintenance("UPDATE reviews_journalentry SET reason = 'covered up' WHERE id = %s", [target.pk])
    code, out = _verify()
    assert code == 1
    assert f"第 {target.chain_seq} 条（编号 {target.pk}" in out and "内容被修改" in out
    assert not JournalCheck.objects.latest("at").ok


def test_a_row_deleted_in_sql_is_named(users):
    entries = _entries(users)
    _maintenance("DELETE FROM reviews_journalentry WHERE id = %s", [entries[1].pk])
    code, out = _verify()
    assert code == 1 and f"第 {entries[1].chain_seq} 条" in out and "已被删除" in out


def test_the_newest_rows_deleted_are_named(users):
    entries = _entries(users)
    _maintenance("DELETE FROM reviews_journalentry WHERE id = %s", [entries[-1].pk])
    code, out = _verify()
    assert code == 1 and "最后 1 条" in out


def test_the_application_role_cannot_update_or_delete_journal_rows(users):
    entry = _entries(users, 1)[0]
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(reason="edited")
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_journalentry SET chain_mac = '' WHERE id = %s", [entry.pk])
    # the two legitimate updates: a subtree moved, a user deleted
    assert journal.move_scope(entry.scope_path or "/GB0000/", "/GB0000/X/") >= 0
    JournalEntry.objects.filter(pk=entry.pk).update(actor=None)
    assert _verify()[0] == 0


def test_a_non_superuser_cannot_switch_the_guard_off(users):
    entry = _entries(users, 1)[0]
    role = f"govmedia_test_app_{connection.settings_dict['NAME'][-12:]}".replace("-", "_")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT ALL ON reviews_journalentry TO {role}")
    try:
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL SESSION AUTHORIZATION {role}")
            cursor.execute("SET LOCAL govmedia.journal_maintenance = 'on'")
            cursor.execute("DELETE FROM reviews_journalentry WHERE id = %s", [entry.pk])
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE ALL ON reviews_journalentry FROM {role}")
            cursor.execute(f"DROP ROLE {role}")
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_verify_since_checks_only_the_recent_part(users):
    old = _entries(users, 2)
    _maintenance("UPDATE reviews_journalentry SET reason = 'x' WHERE id = %s", [old[0].pk])
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        _entries(users, 2)
        out = StringIO()
        try:
            call_command("verify_journal", since=timezone.localdate().isoformat(), stdout=out)  # the recent part is whole
        except SystemExit:
            raise AssertionError(out.getvalue()) from None
    assert "完整" in out.getvalue() and "校验 2 条" in out.getvalue()
    assert _verify()[0] == 1  # the whole chain is not


def test_the_daily_check_tells_the_auditor(users, settings, mailoutbox):
    settings.AUDIT_NOTIFY_EMAILS = ["audit@example.gov.cn"]
    entries = _entries(users, 2)
    assert "完整" in audit.daily_verification(timezone.now())
    _maintenance("UPDATE reviews_journalentry SET action_label = '无' WHERE id = %s", [entries[0].pk])
    assert "发现问题" in audit.daily_verification(timezone.now())
    assert mailoutbox and "完整性校验失败" in mailoutbox[-1].subject
    assert JournalEntry.objects.filter(action="journal_verify_failed").exists()
    from jobs.schedule import SCHEDULE

    assert SCHEDULE["journal_verify"].func == "reviews.audit.daily_verification"


def test_months_are_archived_to_stored_files_and_retention_is_refused_below_180(users, settings):
    import gzip
    import json

    from django.core.files.storage import default_storage

    from govmedia.checks import audit_retention_check

    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 10, 15, 10, 0))):
        _entries(users, 3)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 2, 10, 0))):
        result = audit.archive_and_prune(timezone.now())
        assert "归档" in result
    archive = JournalArchive.objects.get(kind="journal", month="2026-10")
    assert archive.rows == 3
    lines = gzip.decompress(default_storage.open(archive.file_name).read()).decode().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["filer_info"] * 3
    assert JournalArchive.objects.filter(kind="journal", month="2026-11").exists()  # empty months too
    assert not JournalArchive.objects.filter(month="2026-12").exists()  # not finished
    assert JournalEntry.objects.filter(action="filer_info").count() == 3  # the rows stay
    settings.AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in audit_retention_check(None)] == ["ops.E012"]


def test_the_auditor_sees_a_failed_check_on_arrival(users):
    from django.test import Client

    from accounts.models import User
    from tests.factories import make_user, verify_otp

    auditor = make_user("ops_audit", User.Kind.OPS, is_staff=True, ops_role="auditor")
    client = Client()
    client.force_login(auditor)
    verify_otp(client, auditor)
    entries = _entries(users, 2)
    _maintenance("DELETE FROM reviews_journalentry WHERE id = %s", [entries[0].pk])
    audit.daily_verification(timezone.now())
    assert "审计日志完整性校验发现问题" in client.get("/ops-admin/").content.decode()
