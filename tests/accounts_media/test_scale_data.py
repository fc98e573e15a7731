from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts_media.filing import is_late
from accounts_media.models import COUNTED, MediaAccount, Status
from accounts_media.platforms import extract_platform_id
from orgtree.models import FilerUnit
from reviews.models import JournalEntry


def test_generate_scale_data_smoke(db, capsys):
    call_command("generate_scale_data", "--scale", "0.01", "--seed", "7")
    filers = FilerUnit.objects.count()
    accounts = MediaAccount.objects.count()
    assert 1200 <= filers <= 1800 and accounts == 2500
    assert User.objects.filter(kind="filer").count() == filers
    assert set(MediaAccount.objects.values_list("status", flat=True)) == set(Status.values)
    # Media codes are unique and exactly on approved accounts; platform ids are real extractions.
    codes = list(MediaAccount.objects.exclude(media_code=None).values_list("media_code", flat=True))
    assert len(codes) == len(set(codes)) > 1500
    for account in MediaAccount.objects.order_by("?")[:60]:
        assert extract_platform_id(account.account_type, account.url) == account.platform_id
        assert account.org_path == account.filer_unit.org_unit.path
    assert JournalEntry.objects.count() > 3 * accounts
    # The journal reads as real use writes it: every step scoped to the account's org path (the
    # scoped dashboards and 操作日志 read it), labelled, with its acting unit, in order over the
    # account's history from its creation to its last change.
    assert not JournalEntry.objects.filter(scope_path="").exists()
    assert not JournalEntry.objects.filter(subject_label="").exists()
    assert not JournalEntry.objects.filter(actor_unit_code="").exists()
    assert JournalEntry.objects.filter(actor__kind="filer").exists()
    for account in MediaAccount.objects.exclude(status=Status.DRAFT).order_by("?")[:30]:
        steps = list(JournalEntry.objects.filter(subject_type="media_account", subject_id=account.pk).order_by("at", "id"))
        assert steps[0].action == "submit" and steps[0].actor_unit_code == account.filer_unit.code
        assert steps[0].at == account.created_at and steps[-1].at == account.updated_at
        assert all(step.scope_path == account.org_path for step in steps)
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        assert steps[0].position  # waiting at its org unit
        for earlier, later in zip(steps, steps[1:]):
            assert earlier.status_after == later.status_before
    assert not MediaAccount.objects.filter(updated_at__gt=timezone.now()).exists()
    # 提交日期 on every submitted account (none on drafts), 开设时间 on most, 逾期备案 from the two.
    assert not MediaAccount.objects.exclude(status=Status.DRAFT).filter(submitted_on=None).exists()
    assert not MediaAccount.objects.filter(status=Status.DRAFT).exclude(submitted_on=None).exists()
    assert MediaAccount.objects.exclude(opened_on=None).count() > accounts // 2
    late = MediaAccount.objects.filter(filed_late=True)
    assert 0 < late.count() < accounts // 2
    assert all(is_late(a.opened_on, a.submitted_on) for a in late[:50])
    # Phones as real use stores them: SM4 tokens at rest, read in clear; most accounts name a contact.
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT head_mobile, contact_mobile FROM orgtree_filerunit LIMIT 50")
        assert all(value.startswith("sm4:") for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT count(*) FILTER (WHERE contact_mobile LIKE 'sm4:%%'), count(*) FILTER (WHERE contact_mobile = ''),"
                       " count(*) FILTER (WHERE contact_mobile NOT LIKE 'sm4:%%' AND contact_mobile <> '') FROM accounts_media_mediaaccount")
        tokens, empty, clear = cursor.fetchone()
    assert clear == 0 and tokens > 2 * empty > 0
    assert MediaAccount.objects.exclude(contact_mobile="").first().contact_mobile.startswith("137")
    # Counters agree with the rows, and the data is reproducible and not generated twice.
    filer = FilerUnit.objects.filter(account_total__gt=1).first()
    assert filer.media_count == filer.media_accounts.filter(status__in=COUNTED).count()
    call_command("generate_scale_data", "--scale", "0.01", "--seed", "7")
    assert "跳过生成" in capsys.readouterr().out
    assert MediaAccount.objects.count() == accounts
    # New registrations after generated data get fresh codes.
    pending = MediaAccount.objects.filter(status=Status.ADD_PENDING, reviewer__level=1).select_related("reviewer").first()
    if pending:
        from accounts_media.services import perform
        from tests.accounts_media.conftest import REVIEW_OK

        reviewer = User.objects.create_user(pending.reviewer.code, "x", kind="org", org_unit=pending.reviewer)
        done = perform(pending, "approve_add", reviewer, REVIEW_OK)
        assert MediaAccount.objects.filter(media_code=done.media_code).count() == 1
