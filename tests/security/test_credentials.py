"""Issue 19 §2: no shared initial password; each org unit's initial password is encrypted,
shown to the unit directly above until changed, reset by it; GB's first credential printed once."""
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import crypto
from accounts.models import User
from tests.factories import make_filer

from .helpers import attempt


@pytest.fixture
def installed(tree):
    """The first installation on the small tree: the production command, nothing by hand."""
    out = StringIO()
    call_command("create_org_users", stdout=out)
    return out.getvalue()


def test_no_two_users_share_a_password_after_installation(installed):
    users = list(User.objects.all())
    assert len(users) == 12  # every unit of the small tree has its login
    hashes = Counter(u.password for u in users)
    assert max(hashes.values()) == 1, "two users share one password hash"
    initial = [crypto.decrypt(u.initial_password_encrypted) for u in users if u.username != "GB0000"]
    assert None not in initial and len(set(initial)) == len(initial), "two units share one initial password"
    assert all(u.must_change_password for u in users)
    for user, plain in zip([u for u in users if u.username != "GB0000"], initial):
        assert plain not in user.initial_password_encrypted and plain not in user.password


def test_gb_first_password_is_printed_once_and_kept_nowhere_readable(installed):
    gb = User.objects.get(username="GB0000")
    assert gb.initial_password_encrypted == ""
    line = [ln for ln in installed.splitlines() if "GB0000" in ln and "初始密码" in ln]
    assert len(line) == 1
    password = line[0].rsplit("：", 1)[1].strip()
    assert gb.check_password(password)
    # Running the command again creates nobody and prints no password.
    again = StringIO()
    call_command("create_org_users", stdout=again)
    assert "新建组织单位用户 0 个" in again.getvalue() and "初始密码（" not in again.getvalue()
    # Ops staff can issue GB a new one-time password.
    out = StringIO()
    call_command("reset_org_password", "GB0000", stdout=out)
    new = out.getvalue().rsplit("：", 1)[1].strip()
    gb.refresh_from_db()
    assert gb.check_password(new) and not gb.check_password(password) and gb.must_change_password


def test_the_unit_above_sees_the_initial_password_until_the_unit_changes_it(installed, client):
    beijing = User.objects.get(username="110000")
    haidian = User.objects.get(username="110108")
    initial = crypto.decrypt(haidian.initial_password_encrypted)
    client.force_login(beijing)
    beijing.must_change_password = False
    beijing.save()
    page = client.get("/settings/org-users/")
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert initial in html and "110105" in html
    assert "120101" not in html  # not Beijing's sub-unit
    # 海淀区 logs in with it, must change it, and then Beijing sees 已修改 only.
    unit = Client(REMOTE_ADDR="10.3.3.3")
    assert attempt(unit, "110108", initial).status_code == 302
    assert unit.get("/home/")["Location"] == "/settings/password/"
    response = unit.post("/settings/password/", {"old_password": initial, "new_password1": "Haidian#2027x",
                                                 "new_password2": "Haidian#2027x"})
    assert response.status_code == 302
    haidian.refresh_from_db()
    assert haidian.initial_password_encrypted == "" and not haidian.must_change_password
    html = client.get("/settings/org-users/").content.decode()
    assert initial not in html and "已修改" in html


def test_the_unit_above_resets_and_nobody_else_can(installed, client):
    beijing = User.objects.get(username="110000")
    User.objects.filter(username__in=["110000", "120000"]).update(must_change_password=False)
    haidian = User.objects.get(username="110108")
    haidian.initial_password_encrypted = ""
    haidian.save()
    # 天津市 cannot reset 海淀区 (not its sub-unit): 404, nothing changes.
    client.force_login(User.objects.get(username="120000"))
    before = User.objects.get(pk=haidian.pk).password
    assert client.post(f"/settings/org-users/{haidian.pk}/reset-password/").status_code == 404
    assert User.objects.get(pk=haidian.pk).password == before
    client.force_login(beijing)
    response = client.post(f"/settings/org-users/{haidian.pk}/reset-password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    import re
    one_time = re.search(r'data-testid="reset-password">([^<]+)<', response.content.decode()).group(1)
    haidian.refresh_from_db()
    assert haidian.check_password(one_time) and haidian.must_change_password and haidian.initial_password_encrypted == ""


def test_filer_units_keep_their_own_random_passwords(installed):
    make_filer(User.objects.get(username="110108").org_unit, "海淀区测试局")
    from accounts.filer_services import create_filer_unit
    l1 = User.objects.get(username="110000")
    _, p1 = create_filer_unit(l1, l1.org_unit, "北京市甲局")
    _, p2 = create_filer_unit(l1, l1.org_unit, "北京市乙局")
    assert p1 != p2
    hashes = Counter(User.objects.values_list("password", flat=True))
    assert max(hashes.values()) == 1


def test_the_demo_alone_shares_the_demo_password(tree):
    call_command("create_org_users", demo_password="Demo@2026", stdout=StringIO())
    assert all(u.check_password("Demo@2026") for u in User.objects.all()[:3])


def test_initial_hashes_use_fewer_rounds_and_are_upgraded_at_first_login(tree, settings):
    """3,656 units hashed at installation in seconds; the full rounds come with the first login."""
    settings.PASSWORD_HASHERS = ["accounts.hashers.PBKDF2SM3PasswordHasher"]
    from accounts.hashers import PBKDF2SM3PasswordHasher

    from accounts.org_credentials import InitialPasswordHasher, create_org_users

    create_org_users()
    haidian = User.objects.get(username="110108")
    assert haidian.password.startswith(f"pbkdf2_sm3${InitialPasswordHasher.iterations}$")
    initial = crypto.decrypt(haidian.initial_password_encrypted)
    assert attempt(Client(REMOTE_ADDR="10.3.3.4"), "110108", initial).status_code == 302
    haidian.refresh_from_db()
    assert haidian.password.startswith(f"pbkdf2_sm3${PBKDF2SM3PasswordHasher.iterations}$")


def test_many_initial_passwords_are_hashed_in_parallel_processes_each_for_its_own_unit(tree, settings, monkeypatch):
    """Above PARALLEL_HASHING_FROM passwords the hashing runs in forked processes, one per core;
    each unit still gets the hash of its own initial password."""
    settings.PASSWORD_HASHERS = ["accounts.hashers.PBKDF2SM3PasswordHasher"]
    from accounts import org_credentials

    monkeypatch.setattr(org_credentials, "PARALLEL_HASHING_FROM", 2)
    monkeypatch.setattr(org_credentials.os, "cpu_count", lambda: 2)
    pools = []

    class Pool(org_credentials.ProcessPoolExecutor):
        def map(self, *args, **kwargs):
            pools.append(self._max_workers)
            return super().map(*args, **kwargs)

    monkeypatch.setattr(org_credentials, "ProcessPoolExecutor", Pool)
    count, root_password = org_credentials.create_org_users()
    assert count == 12 and pools == [2]
    users = list(User.objects.exclude(username="GB0000"))
    for user in users:
        assert user.password.startswith(f"pbkdf2_sm3${org_credentials.InitialPasswordHasher.iterations}$")
        assert user.check_password(crypto.decrypt(user.initial_password_encrypted)), user.username
    assert User.objects.get(username="GB0000").check_password(root_password)
