"""The deny-by-default walk: every route of the URLconf declares who may open it, the
anonymous user is sent to the login page, and every role not admitted gets 403."""
import os
import re
import subprocess
import sys

from django.conf import settings
from django.test import Client
from django.urls import reverse

from govmedia.roles import Role
from govmedia.access import access_map, iter_patterns, is_admin_route

ROLE_USERS = {Role.GB: "gb", Role.L1: "l1", Role.ORG: "org", Role.FILER: "filer", Role.SITE: "site", Role.OPS: "ops"}
ROUTE_DENIED = "您没有访问该页面的权限。"  # the middleware's refusal (govmedia/access.py)
SAMPLE_ARGS = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def sample_url(entry, name):
    """A URL for the route with placeholder values in its parameters."""
    kwargs = {}
    for key, converter in entry.pattern.converters.items():
        kwargs[key] = SAMPLE_ARGS.get(type(converter).__name__.replace("Converter", "").lower(), "1")
    return reverse(name, kwargs=kwargs)


def our_routes():
    return [(name, entry) for name, entry in iter_patterns() if not is_admin_route(name)]


def signed_in_clients(users, roles=ROLE_USERS) -> dict:
    """A test client per role, signed in once for the whole walk (a login per request made a new
    session each time: most of the walk's CPU, none of what it checks)."""
    clients = {}
    for role in roles:
        clients[role] = Client()
        clients[role].force_login(users[ROLE_USERS[role]])
    return clients


def test_every_route_declares_its_access():
    undeclared = [name for name, access in access_map().items() if access is None]
    assert undeclared == []
    assert len(access_map()) >= 8


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(client, db):
    for name, entry in our_routes():
        access = entry.default_args["access"]
        response = client.get(sample_url(entry, name))
        if access.public:
            # 404/410: a placeholder code or 验证码 key; 422: an API call without its required parameters.
            assert response.status_code in (200, 302, 404, 405, 410, 422), name
            assert not (response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))), name
        else:
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next="), name


def test_every_role_not_admitted_gets_403_and_admitted_ones_do_not(users):
    checked = 0
    clients = signed_in_clients(users)
    for name, entry in our_routes():
        access = entry.default_args["access"]
        if access.public:
            continue
        url = sample_url(entry, name)
        for role in ROLE_USERS:
            response = clients[role].get(url)
            status = response.status_code
            if access.admits(role):
                # An admitted role may still meet an object-level refusal (a placeholder id that is
                # not its own), never the route-level one.
                assert status != 403 or ROUTE_DENIED not in response.content.decode(), f"{name} refused {role}"
            else:
                assert status == 403 and ROUTE_DENIED in response.content.decode(), f"{name} let {role} in ({status})"
                checked += 1
    assert checked > 10


def test_ops_staff_use_the_admin_and_nothing_else(client, users, login):
    client.force_login(users["ops"])
    assert client.get("/ops-admin/").status_code == 302  # the second factor first (tests/security)
    login(users["ops"])
    assert client.get("/ops-admin/").status_code == 200
    assert client.get("/media/").status_code == 403
    client.force_login(users["gb"])
    response = client.get("/ops-admin/")
    assert response.status_code == 302 and "/ops-admin/login/" in response["Location"]


def test_the_403_page_is_chinese(client, users):
    client.force_login(users["filer"])
    response = client.get("/filer-units/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_the_404_page_is_chinese(client, users):
    client.force_login(users["l1"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_menus_follow_the_role(client, users):
    expectations = {
        "gb": (["新媒体账号信息", "填报单位用户管理", "检查结果信息表", "上报抽查情况", "待核查账号", "数据看板", "下载中心", "操作日志",
                "消息中心", "用户设置"], []),
        "l1": (["新媒体账号信息", "填报单位用户管理", "检查结果信息表", "上报抽查情况", "待核查账号", "数据看板", "下载中心", "操作日志",
                "消息中心", "用户设置"], []),
        "org": (["新媒体账号信息", "填报单位用户管理", "检查结果信息表", "待核查账号", "数据看板", "下载中心", "操作日志", "消息中心", "用户设置"],
                ["上报抽查情况"]),
        "filer": (["新媒体账号信息", "检查结果信息表", "待核查账号", "下载中心", "消息中心", "用户设置"], ["填报单位用户管理", "上报抽查情况", "操作日志", "数据看板", "监测发现"]),
        "site": (["消息中心", "用户设置"], ["下载中心", "新媒体账号信息", "数据看板", "监测发现"]),
    }
    for key, (shown, hidden) in expectations.items():
        client.force_login(users[key])
        html = client.get("/settings/").content.decode()
        nav = re.search(r'<nav aria-label="主菜单">(.*?)</nav>', html, re.S).group(1)
        for label in shown:
            assert label in nav, (key, label)
        for label in hidden:
            assert label not in nav, (key, label)
        assert f"（{users[key].username}）" in html


def test_state_changes_are_refused_on_get(client, users):
    client.force_login(users["l1"])
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "govmedia.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x7!Qm2#pLz9$Rt4^Vw8&Yb1*Nc5(Hd3)Jf6_Kg0+Ls2=Mu7~Pv9",
        "ALLOWED_HOSTS": "govmedia.example.gov.cn",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SMS_BACKEND": "accounts.sms.FileBackend",  # the console backend is refused with DEBUG off
        "SMS_ALLOW_TEST_BACKEND": "1",
        "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "MONITORING_HOST_GATE": "local",  # no Redis here: one monitoring worker, said so (else ops.W001, 0034)
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_stay_chinese_whatever_language_the_browser_asks_for(client, db):
    html = client.post("/", {"role": "org"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "This field is required" not in html and "这个字段是必" in html
