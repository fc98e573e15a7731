import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User

LOGIN = "/"


def post_login(client, username, password, role="org"):
    """Log in as a person would: answering the 验证码 when the page asks for one."""
    data = {"role": role, "username": username, "password": password}
    # The 验证码 follows the username (decision 0049): the page shows it once the username is typed.
    probe = client.post(LOGIN, {**data, "password": ""})  # a blank password: nothing is counted
    found = re.search(r'name="captcha_0" value="([0-9a-f]+)"', probe.content.decode())
    if found:
        from captcha.models import CaptchaStore

        data.update(captcha_0=found.group(1), captcha_1=CaptchaStore.objects.get(hashkey=found.group(1)).response)
    return client.post(LOGIN, data)


def test_login_page_has_the_contract_fields(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ('name="role"', 'name="username"', 'name="password"', "组织单位", "填报单位"):
        assert field in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("who,role,first_page", [
    ("gb", "org", "/media/"),
    ("l1", "org", "/media/"),
    ("org", "org", "/media/"),
    ("filer", "filer", "/media/"),
    ("site", "filer", "/websites/mine/"),
])
def test_each_role_logs_in_and_lands_on_its_first_menu(client, users, password, who, role, first_page):
    response = post_login(client, users[who].username, password, role)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(users[who].pk)
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == first_page


def test_wrong_password_and_unknown_user_get_the_same_generic_message(client, users):
    wrong = post_login(client, "110000", "Wrong@2026")
    unknown = post_login(client, "999999", "Wrong@2026")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
        assert SESSION_KEY not in client.session


def test_the_role_choice_is_part_of_the_credentials(client, users, password):
    # A filer code typed under 组织单位 fails the format check; an org code under 填报单位 too.
    response = post_login(client, "110108M001", password, role="org")
    assert "组织单位用户名为6位" in response.content.decode()
    response = post_login(client, "110000", password, role="filer")
    assert "填报单位用户名为10位" in response.content.decode()
    # A site login (10 chars) is a 填报单位 login; ops staff cannot use the login page at all.
    assert post_login(client, "1201019999", password, role="filer").status_code == 302
    client.logout()
    User.objects.create_user("opsadm", password, kind=User.Kind.OPS, is_staff=True)
    for role in ("org", "filer"):
        response = post_login(client, "opsadm", password, role=role)
        assert response.status_code == 200 and SESSION_KEY not in client.session


def test_username_is_matched_without_case(client, users, password):
    assert post_login(client, "BM2900", password).status_code == 302


def test_an_inactive_org_unit_cannot_log_in(client, users, password, tree):
    tree["110108"].is_active = False
    tree["110108"].save()
    assert post_login(client, "110108", password).status_code == 200
    assert SESSION_KEY not in client.session


def test_failures_are_throttled_per_username(client, users, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "110000", "Wrong@2026")
    response = post_login(client, "110000", password)  # right password, but locked
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert SESSION_KEY not in client.session
    # Another unit from another address is not affected by this username's lock.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert post_login(other, "120000", password).status_code == 302


def test_changing_the_letter_case_does_not_dodge_the_lock(users, password, settings):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for i in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "bm2900" if i % 2 else "BM2900", "Wrong@2026")
    response = post_login(client, "Bm2900", password)
    assert response.status_code == 429


def test_failures_are_throttled_per_ip_address(users, password, settings):
    """Failures against many usernames from one address lock the address (all usernames);
    the limit is higher than the pair's, so that colleagues behind one NAT are not locked
    out by each other's typos."""
    client = Client(REMOTE_ADDR="10.1.2.3")
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        post_login(client, f"1{i:05d}", "Wrong@2026")  # a different username each time
    response = post_login(client, "120000", password)
    assert response.status_code == 429
    assert "该地址已被暂时锁定" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_is_post_only(client, users, login):
    login(users["l1"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_passwords_are_stored_hashed(users, password):
    for user in User.objects.all():
        assert password not in user.password
        assert user.password.split("$")[0] in {"md5", "pbkdf2_sha256"}


def test_next_parameter_only_redirects_inside_the_site(client, users, password):
    response = client.post(LOGIN + "?next=https://evil.example/", {"role": "org", "username": "110000", "password": password, "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
    client.logout()
    response = client.post(LOGIN, {"role": "org", "username": "110000", "password": password, "next": "/ops-admin/"})
    assert response["Location"] == "/ops-admin/"


def test_the_captcha_comes_after_repeated_failures_and_is_checked(users, password, settings):
    client = Client(REMOTE_ADDR="10.5.5.5")
    assert 'name="captcha_1"' not in client.get(LOGIN).content.decode()
    for _ in range(settings.LOGIN_CAPTCHA_AFTER):
        client.post(LOGIN, {"role": "org", "username": "110000", "password": "Wrong@2026"})
    # The 验证码 follows the username (decision 0049): asked as soon as 110000 is typed again.
    assert 'name="captcha_1"' in client.post(LOGIN, {"role": "org", "username": "110000", "password": ""}).content.decode()
    html = client.post(LOGIN, {"role": "org", "username": "110000", "password": password,
                               "captcha_0": "nope", "captcha_1": "XXXX"}).content.decode()
    assert "验证码错误" in html and SESSION_KEY not in client.session
    assert post_login(client, "110000", password).status_code == 302
