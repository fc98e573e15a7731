"""Sessions and passwords of 等保 level 3 (decision 0054), with the clock moved: idle and absolute
timeouts per role, the concurrent-session limit, 上次登录时间/地址, password expiry and history;
the ops admin's TOTP step failing like a wrong password and counted; the admin 404 outside."""
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.models import User, UserSession
from reviews.models import JournalEntry
from tests.factories import PASSWORD, make_user, totp_token, verify_otp

NEW_PASSWORDS = ["Xq#2026abcA", "Yr#2026abcB", "Zs#2026abcC", "Wt#2026abcD", "Vu#2026abcE", "Uv#2026abcF"]


@pytest.fixture
def policy(settings):
    settings.SESSION_IDLE_MINUTES = {"ops": 15, "default": 30}
    settings.SESSION_ABSOLUTE_MINUTES = {"ops": 240, "default": 480}
    settings.MAX_CONCURRENT_SESSIONS = 2
    settings.PASSWORD_MAX_AGE_DAYS = 90
    settings.PASSWORD_HISTORY = 5
    return settings


def _login(username, password=PASSWORD, role="org", address="10.5.0.1") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/", {"role": role, "username": username, "password": password})
    import re

    assert response.status_code == 302, re.findall(r'alert[^>]*>([^<]+)<', response.content.decode())
    return client, response


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages) if hasattr(response.wsgi_request, "_messages") else ""


def test_idle_timeout_ends_the_session_and_says_why(users, policy):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client, _ = _login("110000")
        assert client.get("/media/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/media/").status_code == 200  # activity keeps it alive
        clock.shift(timedelta(minutes=31))
        response = client.get("/media/", follow=True)
        assert response.redirect_chain[0][0].startswith("/?next=/media/") or response.redirect_chain[0][0].startswith("/")
        assert "由于长时间未操作，您已自动退出" in response.content.decode()
    assert UserSession.objects.get(user=users["l1"]).ended == "idle"


def test_absolute_timeout_even_when_active(users, policy):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client, _ = _login("110000")
        for _ in range(17):  # active every 29 minutes, 8 h 13 min in all
            clock.shift(timedelta(minutes=29))
            response = client.get("/media/")
        assert response.status_code == 302
        assert "登录时间已达上限" in client.get("/", follow=True).content.decode()


def test_ops_sessions_time_out_sooner(users, policy):
    ops = make_user("ops_sys", User.Kind.OPS, is_staff=True, ops_role="sysadmin")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client(REMOTE_ADDR="10.5.0.9")
        client.force_login(ops)
        verify_otp(client, ops)
        assert client.get("/ops-admin/").status_code == 200
        clock.shift(timedelta(minutes=16))
        response = client.get("/ops-admin/")
        assert response.status_code == 302 and response["Location"].startswith("/ops-admin/login/")


def test_a_third_login_ends_the_oldest_session_and_its_user_is_told(users, policy):
    first, _ = _login("110000", address="10.5.1.1")
    second, _ = _login("110000", address="10.5.1.2")
    third, response = _login("110000", address="10.5.1.3")
    assert "最早的 1 个会话已结束" in third.get(response["Location"], follow=True).content.decode()
    assert second.get("/media/").status_code == 200 and third.get("/media/").status_code == 200
    response = first.get("/media/", follow=True)
    assert "您的账号已在其他地方登录，本会话已结束" in response.content.decode()
    assert first.get("/media/").status_code == 302  # told once, then simply signed out
    assert list(UserSession.objects.filter(user=users["l1"]).order_by("started_at").values_list("ended", flat=True)) == [
        "replaced", "", ""]


def test_last_login_time_address_and_failures_since_are_shown(users, policy):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 1, 9, 30)), tick=False):
        client, response = _login("110000", address="10.5.2.1")
        assert "这是您第一次登录本系统" in client.get(response["Location"], follow=True).content.decode()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 2, 10, 0)), tick=False):
        Client(REMOTE_ADDR="10.66.0.1").post("/", {"role": "org", "username": "110000", "password": "Wrong@2026"})
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 3, 8, 0)), tick=False):
        client, response = _login("110000", address="10.5.2.2")
        page = client.get(response["Location"], follow=True).content.decode()
    assert "上次登录时间：2026-12-01 09:30" in page and "上次登录地址：10.5.2.1" in page
    assert "此后登录失败 1 次" in page


def test_org_password_expires_after_the_configured_days(users, policy):
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client, response = _login("110000")
        response = client.get("/media/")
        assert response.status_code == 302 and response["Location"] == "/settings/password/"
        page = client.get(response["Location"], follow=True).content.decode()
        assert "超过 90 天未修改" in page and "不能与最近 5 次使用过的密码相同" in page  # the policy on the form
        assert "每 90 天须修改一次" in page
        changed = client.post("/settings/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORDS[0],
                                                    "new_password2": NEW_PASSWORDS[0]})
        assert changed.status_code == 302 and changed["Location"] == "/", changed.content.decode()[-3000:]
        client, response = _login("110000", NEW_PASSWORDS[0])
        assert client.get("/media/").status_code == 200


def test_expiry_off_with_zero_and_not_for_filer_units(users, policy):
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        client, _ = _login("110108M001", role="filer")
        assert client.get("/media/").status_code == 200
        policy.PASSWORD_MAX_AGE_DAYS = 0
        client, _ = _login("110000")
        assert client.get("/media/").status_code == 200


def test_the_last_five_passwords_cannot_be_reused(users, policy):
    from accounts import services
    from accounts.forms import PasswordChangeForm

    user = users["l1"]
    for new in NEW_PASSWORDS[:5]:
        services.change_password(user, new)
    user.refresh_from_db()
    for old in NEW_PASSWORDS[:4]:  # the previous four and the current one are within the last five
        form = PasswordChangeForm(user, {"old_password": NEW_PASSWORDS[4], "new_password1": old, "new_password2": old})
        assert not form.is_valid() and "最近 5 次" in str(form.errors), old
    form = PasswordChangeForm(user, {"old_password": NEW_PASSWORDS[4], "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert form.is_valid(), form.errors  # the sixth back is allowed again
    assert user.password_history.count() == 5


# --- the ops admin: the TOTP step, the addresses --------------------------------------------------
ADMIN_LOGIN = "/ops-admin/login/"


def test_a_wrong_totp_reads_like_a_wrong_password_and_is_counted(users, settings):
    settings.LOGIN_CAPTCHA_AFTER = 100  # this test counts failures, the 验证码 is tested elsewhere
    ops = make_user("ops_sec", User.Kind.OPS, is_staff=True, ops_role="secadmin")
    device = verify_otp(Client(), ops)
    client = Client(REMOTE_ADDR="10.7.0.1")
    wrong_password = client.post(ADMIN_LOGIN, {"username": "ops_sec", "password": "Wrong@2026x", "otp_token": "123456"})
    wrong = "000000" if totp_token(device) != "000000" else "111111"
    wrong_totp = client.post(ADMIN_LOGIN, {"username": "ops_sec", "password": PASSWORD, "otp_token": wrong})

    def errors(response):
        import re
        return re.findall(r'class="errornote">\s*([^<]+?)\s*<|errorlist nonfield"><li>([^<]+)<', response.content.decode())

    assert errors(wrong_password) == errors(wrong_totp) and "用户名、密码或动态验证码错误" in wrong_totp.content.decode()
    assert sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="ops_sec")) == 2
    assert JournalEntry.objects.filter(action="login_totp_failure", subject_id=ops.pk).count() == 1
    # counted up to the lock: after LOGIN_FAILURE_LIMIT the right code is refused too
    for _ in range(3):
        client.post(ADMIN_LOGIN, {"username": "ops_sec", "password": PASSWORD, "otp_token": wrong})
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    locked = client.post(ADMIN_LOGIN, {"username": "ops_sec", "password": PASSWORD, "otp_token": totp_token(device)})
    assert locked.status_code == 429


@pytest.mark.parametrize("url", ["/ops-admin/", "/ops-admin/login/", "/ops-admin/orgtree/orgunit/",
                                 "/ops-admin/reviews/journalentry/", "/ops-admin/no-such-page/", "/ops-admin/logout/"])
def test_every_admin_url_is_404_from_outside_the_allowed_networks(users, settings, url):
    settings.OPS_ADMIN_ALLOWED_NETWORKS = ["10.200.0.0/16"]
    outside = Client(REMOTE_ADDR="10.9.9.9")
    assert outside.get(url).status_code == 404
    outside.force_login(users["ops"])
    verify_otp(outside, users["ops"])
    assert outside.get(url).status_code == 404  # signed in or not
    inside = Client(REMOTE_ADDR="10.200.3.4")
    assert inside.get(url).status_code != 404 or url == "/ops-admin/no-such-page/"
