"""manage.py seal_journal (decision 0053): rows written before the chain existed are sealed into
it, after which an edit of one is named by verify_journal; the application's role is refused."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from reviews.models import JournalCheck, JournalEntry
from tests.conftest import requires_postgres

pytestmark = requires_postgres


def _old_rows(n=3) -> list[JournalEntry]:
    """As rows written before migration 0004 (or the bench generator's COPY rows): no chain place."""
    return [JournalEntry.objects.create(subject_type="system", subject_id=0, action="login", action_label="登录",
                                        actor_unit_name="海淀区", person_phone="13911112222",
                                        changes=[{"field": "contact_mobile", "label": "手机", "old": "", "new": "13900001111"}])
            for _ in range(n)]


def test_old_rows_are_sealed_then_an_edit_is_named(db):
    rows = _old_rows()
    assert all(r.chain_seq is None for r in rows)
    out = StringIO()
    call_command("seal_journal", "--batch", "2", stdout=out)
    assert "封存 3 条" in out.getvalue() and "完整" in out.getvalue()
    check = JournalCheck.objects.latest("at")
    assert check.ok and check.unsealed == 0
    sealed = JournalEntry.objects.filter(pk__in=[r.pk for r in rows])
    assert all(r.chain_seq and len(r.chain_mac) == 64 for r in sealed)
    assert JournalEntry.objects.filter(action="journal_seal", data__sealed=3).exists()
    call_command("seal_journal", stdout=StringIO())  # nothing left: resumable, idempotent
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL govmedia.journal_maintenance = 'on'")
        cursor.execute("UPDATE reviews_journalentry SET action_label = '登出' WHERE id = %s", [rows[1].pk])
    with pytest.raises(SystemExit):
        call_command("verify_journal", stdout=StringIO())
    assert f"编号 {rows[1].pk}" in JournalCheck.objects.latest("at").problems


def test_the_application_role_cannot_seal(db):
    rows = _old_rows(1)
    role = f"govmedia_test_seal_{connection.settings_dict['NAME'][-12:]}".replace("-", "_")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        with pytest.raises(CommandError, match="govmedia_journal_maintainer"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL SESSION AUTHORIZATION {role}")
            call_command("seal_journal", stdout=StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
    assert JournalEntry.objects.get(pk=rows[0].pk).chain_seq is None
