"""三员分立 (decision 0054): each of the three ops roles opens its own pages and is refused the
other two's; one role per login; the superuser refused in production; the role in the journal."""
import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.models import User
from govmedia.checks import separation_of_duties_check
from reviews.models import JournalEntry
from tests.factories import make_user, verify_otp

PAGES = {
    "sysadmin": ["/ops-admin/orgtree/orgunit/", "/ops-admin/orgtree/filerunit/", "/ops-admin/accounts_media/mediaaccount/",
                 "/ops-admin/jobs/job/"],
    "secadmin": ["/ops-admin/axes/accessattempt/", "/ops-admin/otp_totp/totpdevice/"],
    "auditor": ["/ops-admin/reviews/journalentry/", "/ops-admin/axes/accesslog/", "/ops-admin/reviews/journalcheck/",
                "/ops-admin/reviews/journalarchive/", "/ops-admin/reviews/journalarchive/export/"],
}


@pytest.fixture
def ops(db, tree):
    return {role: make_user(f"ops_{role}", User.Kind.OPS, is_staff=True, ops_role=role) for role in PAGES}


def _client(user) -> Client:
    client = Client(REMOTE_ADDR="10.9.0.1")
    client.force_login(user)
    verify_otp(client, user)
    return client


@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_opens_its_pages_and_is_refused_the_others(ops, role):
    client = _client(ops[role])
    for url in PAGES[role]:
        assert client.get(url).status_code == 200, url
    for other, urls in PAGES.items():
        if other == role:
            continue
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    index = client.get("/ops-admin/").content.decode()
    assert ("操作日志" in index or "流水" in index) == (role == "auditor")


def test_users_are_split_between_the_system_and_the_security_administrator(ops, users):
    sysadmin, secadmin = _client(ops["sysadmin"]), _client(ops["secadmin"])
    listed = sysadmin.get("/ops-admin/accounts/user/").content.decode()
    assert "110108M001" in listed and "ops_auditor" not in listed
    page = sysadmin.get(f"/ops-admin/accounts/user/{users['org'].pk}/change/").content.decode()
    assert 'name="ops_role"' not in page  # roles are the security administrator's
    assert sysadmin.get(f"/ops-admin/accounts/user/{ops['auditor'].pk}/change/").status_code in (302, 404)
    listed = secadmin.get("/ops-admin/accounts/user/").content.decode()
    assert "ops_auditor" in listed and "110108M001" not in listed
    page = secadmin.get(f"/ops-admin/accounts/user/{ops['auditor'].pk}/change/").content.decode()
    assert 'name="ops_role"' in page
    assert _client(ops["auditor"]).get("/ops-admin/accounts/user/").status_code == 403


def test_roles_are_exclusive_and_only_for_ops(ops, users):
    assert User._meta.get_field("ops_role").choices  # one field: one role per login
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=users["org"].pk).update(ops_role="auditor")


def test_the_role_used_is_in_the_journal(ops):
    _client(ops["auditor"]).get("/ops-admin/reviews/journalarchive/export/", {"start": "2026-01-01", "end": "2026-01-31"})
    entry = JournalEntry.objects.get(action="audit_export")
    assert entry.actor_unit_name == "运维人员（审计管理员）" and entry.actor_id == ops["auditor"].pk


def test_the_superuser_is_refused_in_production(users, settings):
    settings.OPS_ALLOW_SUPERUSER = False
    client = _client(users["ops"])  # a superuser
    assert client.get("/ops-admin/").status_code == 302
    assert "ops.E010" in [e.id for e in separation_of_duties_check(None)]
    User.objects.filter(pk=users["ops"].pk).update(is_superuser=False, ops_role="sysadmin")
    assert separation_of_duties_check(None) == []
    assert client.get("/ops-admin/").status_code == 200


def test_create_ops_user_gives_one_role_and_no_superuser(db, tree):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_ops_user", "audit01", role="auditor", stdout=out)
    user = User.objects.get(username="audit01")
    assert (user.kind, user.ops_role, user.is_superuser, user.must_change_password) == ("ops", "auditor", False, True)
    assert JournalEntry.objects.filter(action="ops_user_create", subject_id=user.pk).exists()
