"""Contacts in the journal minimised (decision 0052): 流水 / 审核流水 show the 经办人电话 and the
phones of the changes in full only to the unit directly above (or the filer unit itself), a full
showing journaled; 操作日志, the ops admin, the 审计管理员's export mask them; the monthly archives
keep them only as SM4 tokens; an imitation report's contact is for the checking unit only."""
import gzip
import json

from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from accounts.models import User
from govmedia.common import gm
from reviews import audit, journal
from reviews.models import JournalEntry
from tests.accounts_media.conftest import normal_account
from tests.conftest import requires_postgres
from tests.factories import make_user, verify_otp
from verify import imitation

pytestmark = requires_postgres

REVIEWER = "18812348822"  # tests/accounts_media/conftest.py REVIEW_OK
OLD, NEW = "13811112222", "13933334444"


def _reveals(user) -> int:
    return JournalEntry.objects.filter(action="personal_data_reveal", actor=user).count()


def _account_with_contact_change(chain):
    account = normal_account(chain)
    journal.record(account, "ops_edit", chain["shangzhuang"], before={"contact_mobile": OLD}, after={"contact_mobile": NEW})
    return account


def test_account_journal_masks_contacts_except_directly_above(client, chain, login):
    account = _account_with_contact_change(chain)
    url = f"/media/{account.pk}/journal/"
    for who, full in (("haidian", True), ("shangzhuang", True), ("beijing", False), ("gb", False)):
        user = User.objects.get(pk=chain[who].pk)
        login(user)
        before = _reveals(user)
        html = client.get(url).content.decode()
        assert (NEW in html and REVIEWER in html) is full, who
        if full:
            assert _reveals(user) == before + 1, who
        else:
            assert NEW not in html and OLD not in html and REVIEWER not in html, who
            assert "139****4444" in html and "188****8822" in html, who
            assert _reveals(user) == before, who


def test_org_log_admin_and_auditor_export_mask_contacts(client, chain, login, settings):
    account = _account_with_contact_change(chain)
    entry = JournalEntry.objects.filter(subject_type="media_account", subject_id=account.pk, action="ops_edit").get()
    filer_entry = journal.record(chain["shangzhuang"].filer_unit, "filer_info", chain["shangzhuang"],
                                 before={"contact_mobile": OLD}, after={"contact_mobile": NEW},
                                 scope_path=chain["shangzhuang"].filer_unit.org_unit.path)
    login(chain["haidian"])
    html = client.get("/journal/").content.decode()
    assert "139****4444" in html and NEW not in html and OLD not in html

    start = timezone.now() - timezone.timedelta(days=1)
    csv_text = "".join(audit.export_period_rows(start, timezone.now() + timezone.timedelta(days=1)))
    assert "139****4444" in csv_text and NEW not in csv_text and REVIEWER not in csv_text

    auditor = make_user("ops_auditor", User.Kind.OPS, is_staff=True, ops_role="auditor")
    ops_client = Client(REMOTE_ADDR="10.9.0.1")
    ops_client.force_login(auditor)
    verify_otp(ops_client, auditor)
    listing = ops_client.get("/ops-admin/reviews/journalentry/")
    assert listing.status_code == 200 and NEW not in listing.content.decode()
    for pk in (entry.pk, filer_entry.pk):
        page = ops_client.get(f"/ops-admin/reviews/journalentry/{pk}/change/")
        assert page.status_code == 200 and "139****4444" in page.content.decode(), pk
        assert NEW not in page.content.decode() and OLD not in page.content.decode(), pk
    assert JournalEntry.objects.get(pk=entry.pk).changes[0]["new"] == NEW  # shown masked, stored unchanged
    assert gm.is_token(json.loads(_raw_changes(entry.pk))[0]["new"])


def _raw_changes(pk: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT changes::text FROM reviews_journalentry WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_archives_keep_contacts_as_tokens(chain):
    account = _account_with_contact_change(chain)
    month = timezone.localtime(JournalEntry.objects.filter(subject_id=account.pk).latest("at").at).strftime("%Y-%m")
    archive = audit.archive_month("journal", month)
    with default_storage.open(archive.file_name) as handle:
        body = gzip.decompress(handle.read()).decode()
    assert NEW not in body and OLD not in body and REVIEWER not in body
    rows = [json.loads(line) for line in body.splitlines()]
    edit = next(r for r in rows if r["action"] == "ops_edit" and r["subject_id"] == account.pk)
    assert gm.decrypt(edit["changes"][0]["new"]) == NEW
    reviewed = next(r for r in rows if r["person_phone"])
    assert gm.decrypt(reviewed["person_phone"]) == REVIEWER


def test_imitation_contact_only_for_the_checking_unit(client, chain, login):
    item = imitation.report("https://weibo.com/fake-haidian-2", "海淀区", contact="13655556666")
    haidian = chain["haidian"].org_unit
    type(item).objects.filter(pk=item.pk).update(org_unit=haidian, org_path=haidian.path)  # checked by 海淀区
    item.refresh_from_db()
    checker = User.objects.filter(kind="org", org_unit_id=item.org_unit_id).first()
    assert checker is not None, item.org_unit
    login(checker)
    assert "13655556666" in client.get(f"/imitation-reports/{item.pk}/").content.decode()
    assert _reveals(checker) == 1
    above = [u for u in (chain["gb"], chain["beijing"], chain["haidian"]) if u.org_unit_id != item.org_unit_id]
    seen = 0
    for user in above:
        login(user)
        response = client.get(f"/imitation-reports/{item.pk}/")
        if response.status_code == 200:  # a unit above that may read the report
            html = response.content.decode()
            assert "13655556666" not in html and "136****6666" in html, user.username
            seen += 1
    assert seen >= 1
