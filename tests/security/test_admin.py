"""Issue 19 §3, §5: every admin action checks a permission, the admin asks for a second factor,
uses the login throttling, and can be limited to configured addresses."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.accounts_media.conftest import normal_account
from tests.factories import totp_token, verify_otp

from .helpers import attempt, captcha_answer

ADMIN_LOGIN = "/ops-admin/login/"
# Tables a refused request may still touch: the session, the login bookkeeping.
BOOKKEEPING = {"sessions", "axes", "captcha", "otp_totp", "contenttypes", "admin"}


@pytest.fixture
def bare_staff(db):
    """Ops staff (is_staff) without a single permission, past the second factor."""
    return User.objects.create_user("opsbare", "Ops@2026bare", kind=User.Kind.OPS, is_staff=True)


def _admin_patterns():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                if prefix or ns == "admin":
                    yield from walk(entry.url_patterns, "admin")
            elif isinstance(entry, URLPattern) and prefix and entry.name:
                yield entry
    return list(walk(get_resolver().url_patterns))


def _sample_kwargs(entry, pk_by_name):
    kwargs = {}
    for key in entry.pattern.converters:
        kwargs[key] = "1"
    # Object URLs: a real object of that model, so that a refusal is a permission, not a 404.
    for key in ("object_id", "pk", "id"):
        if key in kwargs or f"<{key}>" in str(entry.pattern) or f":{key}>" in str(entry.pattern):
            kwargs[key] = str(pk_by_name.get(entry.name, 1))
    return kwargs


def _snapshot():
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in BOOKKEEPING:
            continue
        rows[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return rows


def test_retire_needs_the_delete_permission_and_a_missing_pk_is_404(client, chain, bare_staff):
    account = normal_account(chain)
    client.force_login(bare_staff)
    verify_otp(client, bare_staff)
    url = reverse("admin:accounts_media_retire", args=[account.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "无权删除"}).status_code == 403
    account.refresh_from_db()
    assert account.removal != "deleted"
    from django.contrib.auth.models import Permission

    bare_staff.user_permissions.add(Permission.objects.get(codename="delete_mediaaccount"))
    bare_staff = User.objects.get(pk=bare_staff.pk)  # permission cache
    assert client.get(reverse("admin:accounts_media_retire", args=[987654])).status_code == 404
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "依函删除"}).status_code == 302
    account.refresh_from_db()
    assert account.removal == "deleted"


def test_every_admin_url_refuses_a_staff_user_without_permissions(client, chain, bare_staff):
    account = normal_account(chain)
    from django.contrib.auth.models import Group

    Group.objects.create(name="运维组")
    client.force_login(bare_staff)
    verify_otp(client, bare_staff)
    pk_by_name = {}
    for model in admin.site._registry:
        obj = model.objects.order_by("pk").first()
        if obj is None:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        for entry in _admin_patterns():
            if entry.name.startswith(f"{info[0]}_{info[1]}_") and entry.pattern.converters:
                pk_by_name[entry.name] = obj.pk
    pk_by_name["accounts_media_retire"] = account.pk
    # The admin's own pages every staff user may open: the (empty) index, its own password.
    open_to_staff = {"index", "password_change", "password_change_done", "jsi18n", "logout", "login"}
    before = _snapshot()
    walked = 0
    for entry in _admin_patterns():
        if entry.name in ("logout",):
            continue  # POST ends the session; no data of ours
        if entry.name == "app_list":
            urls = [reverse("admin:app_list", kwargs={"app_label": m._meta.app_label}) for m in admin.site._registry]
        else:
            urls = [reverse(f"admin:{entry.name}", kwargs=_sample_kwargs(entry, pk_by_name))]
        for url, method in [(u, m) for u in sorted(set(urls)) for m in ("get", "post")]:
            response = getattr(client, method)(url, {"reason": "x", "name": "篡改", "action": "delete_selected",
                                                     "_selected_action": ["1"], "post": "yes"})
            status = response.status_code
            if entry.name in open_to_staff:
                assert status in (200, 302, 405), (entry.name, method, status)
            elif entry.name == "view_on_site" or entry.name == "app_list":
                assert status in (302, 404), (entry.name, method, status)
            elif entry.name == "autocomplete" and method == "post":
                assert status == 405  # GET only, refused below
            elif status == 302 and entry.name not in pk_by_name and any(
                    entry.name.endswith(s) for s in ("_change", "_delete", "_history")):
                # No row of that model in the test data: the admin says so and goes to its index.
                assert response["Location"] == reverse("admin:index"), (entry.name, method)
            else:
                assert status in (403, 404), (entry.name, method, status, url)
            walked += 1
    assert walked > 40
    assert _snapshot() == before, "a staff user without permissions changed data through the admin"
    assert SESSION_KEY in client.session  # still logged in: nothing was refused by logging out


def test_the_admin_asks_for_a_second_factor(users, password):
    """A right password without the right TOTP code is refused in the words of a wrong password
    (issue 31: the answer must not tell that the password was right); the right code enters."""
    ops = users["ops"]
    device = TOTPDevice.objects.create(user=ops, name="运维管理", confirmed=True)
    client = Client(REMOTE_ADDR="10.8.1.1")
    response = client.post(ADMIN_LOGIN, {"username": "ops", "password": password, "next": "/ops-admin/"})
    assert response.status_code == 200 and "用户名、密码或动态验证码错误" in response.content.decode()
    assert client.get("/ops-admin/").status_code == 302  # a password alone is not enough
    data = {"username": "ops", "password": password, "otp_token": "000000" if totp(device.bin_key) != 0 else "111111",
            "next": "/ops-admin/"}
    data.update(captcha_answer(client.post(ADMIN_LOGIN, {"username": "ops", "password": ""}).content.decode()))  # 验证码 per username (0049)
    response = client.post(ADMIN_LOGIN, data)
    assert "用户名、密码或动态验证码错误" in response.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    data = {"username": "ops", "password": password, "otp_token": totp_token(device), "next": "/ops-admin/"}
    data.update(captcha_answer(client.post(ADMIN_LOGIN, {"username": "ops", "password": ""}).content.decode()))  # 验证码 per username (0049)
    response = client.post(ADMIN_LOGIN, data)
    assert response.status_code == 302
    assert client.get("/ops-admin/").status_code == 200


def test_a_user_without_a_device_cannot_enter_the_admin(client, users):
    client.force_login(users["ops"])  # no TOTP device, no verification
    response = client.get("/ops-admin/")
    assert response.status_code == 302 and response["Location"].startswith(ADMIN_LOGIN)


def test_the_admin_login_resists_the_same_bypass(users, password, settings):
    """4 wrong for one ops user, one correct login as another, three times: the first is locked."""
    User.objects.create_user("opsvictim", password, kind=User.Kind.OPS, is_staff=True)
    attacker = Client(REMOTE_ADDR="10.20.40.1")
    for _ in range(3):
        for _ in range(4):  # the 验证码 follows the username (decision 0049): answered when asked
            attempt(attacker, "opsvictim", "Wrong@2026x", url=ADMIN_LOGIN, extra={"next": "/ops-admin/"})
        device = verify_otp(Client(), users["ops"])
        token = totp_token(device)
        data = {"username": "ops", "password": password, "otp_token": token, "next": "/ops-admin/"}
        data.update(captcha_answer(attacker.get(ADMIN_LOGIN).content.decode()))
        attacker.post(ADMIN_LOGIN, data)
        attacker.post("/ops-admin/logout/")
    # The 验证码 is asked, and the right password of the victim is refused from this address.
    probe = attacker.post(ADMIN_LOGIN, {"username": "opsvictim", "password": "", "next": "/ops-admin/"})
    assert 'name="captcha_1"' in probe.content.decode()
    response = attempt(attacker, "opsvictim", password, url=ADMIN_LOGIN, extra={"next": "/ops-admin/"})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()


def test_the_admin_can_be_limited_to_configured_addresses(users, settings, password):
    settings.OPS_ADMIN_ALLOWED_NETWORKS = ["10.8.0.0/16", "192.0.2.7"]
    assert Client(REMOTE_ADDR="10.9.1.1").get(ADMIN_LOGIN).status_code == 404
    assert Client(REMOTE_ADDR="10.8.200.3").get(ADMIN_LOGIN).status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.7").get(ADMIN_LOGIN).status_code == 200
    outside = Client(REMOTE_ADDR="10.9.1.1")
    outside.force_login(users["ops"])
    verify_otp(outside, users["ops"])
    assert outside.get("/ops-admin/").status_code in (302, 404)
    assert outside.get(reverse("admin:orgtree_orgunit_changelist")).status_code in (302, 404)
    assert outside.get(reverse("admin:orgtree_orgunit_changelist"), follow=True).status_code == 404
