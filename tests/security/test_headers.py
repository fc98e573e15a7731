"""Issue 19 §7: no-store on every signed-in page (the URLconf walked as tests/test_access.py
does), on exports and JSON; Permissions-Policy everywhere; the proxy deployment check."""
import os
import subprocess
import sys

from django.conf import settings
from django.test import Client

from govmedia.roles import Role
from tests.test_access import ROLE_USERS, our_routes, sample_url, signed_in_clients


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_signed_in_page_says_no_store(users):
    checked = 0
    clients = signed_in_clients(users, [r for r in ROLE_USERS if r != Role.OPS])
    for name, entry in our_routes():
        access = entry.default_args["access"]
        url = sample_url(entry, name)
        roles = [r for r in ROLE_USERS if r != Role.OPS and access.admits(r)]
        for role in roles:
            response = clients[role].get(url)
            assert _no_store(response), f"{name} as {role}: {response.status_code} {response.get('Cache-Control')}"
            checked += 1
    assert checked > 50


def test_exports_and_json_say_no_store_and_public_pages_are_untouched(client, users, login):
    login(users["l1"])
    export = client.get("/filer-units/", {"export": "page"})  # 导出当页数据 answers at once (导出全部 is a job)
    assert "attachment" in export["Content-Disposition"] and _no_store(export)
    anonymous = Client()
    lookup = anonymous.get("/websites/apply/org/", {"code": "110108"})
    assert lookup["Content-Type"].startswith("application/json") and _no_store(lookup)
    notice = anonymous.get("/websites/apply/")
    assert notice.status_code == 200 and not _no_store(notice)  # a public page may be cached


def test_permissions_policy_is_sent(client, users, login):
    for response in (client.get("/"), client.get("/websites/apply/")):
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    login(users["gb"])
    assert "camera=()" in client.get("/settings/")["Permissions-Policy"]


def _check_deploy(tmp_path, **extra):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "govmedia.settings", "DEBUG": "0",
        "SECRET_KEY": "x7!Qm2#pLz9$Rt4^Vw8&Yb1*Nc5(Hd3)Jf6_Kg0+Ls2=Mu7~Pv9",
        "ALLOWED_HOSTS": "govmedia.example.gov.cn", "STATIC_ROOT": str(tmp_path / "static"),
        "MONITORING_HOST_GATE": "local", **extra,  # no Redis here: else ops.W001 (decision 0034)
    }
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_a_proxy_without_proxy_count_is_a_deployment_warning(tmp_path):
    result = _check_deploy(tmp_path, TRUST_X_FORWARDED_PROTO="1", PROXY_COUNT="0")
    assert result.returncode != 0 and "govmedia.W001" in result.stdout + result.stderr
    result = _check_deploy(tmp_path, TRUST_X_FORWARDED_PROTO="1", PROXY_COUNT="1")
    assert result.returncode == 0, result.stdout + result.stderr
