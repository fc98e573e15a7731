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


def _with_both_middlewares(view, request):
    """The response headers of `view` through django-csp's own middleware and through ours."""
    from csp.middleware import CSPMiddleware as DjangoCsp

    from govmedia.security import CSPMiddleware

    answers = []
    for middleware_class in (DjangoCsp, CSPMiddleware):
        middleware = middleware_class(view)
        answers.append(dict(middleware(request).headers))
    return answers


def test_the_policy_built_once_is_the_policy_django_csp_builds(settings):
    from csp.constants import NONCE, NONE, SELF
    from csp.decorators import csp_update
    from django.http import HttpResponse
    from django.template import engines
    from django.test import RequestFactory

    from govmedia.security import CSPMiddleware

    settings.DEBUG = False
    plain = lambda request: HttpResponse("页面")  # noqa: E731
    ours, theirs = _with_both_middlewares(plain, RequestFactory().get("/media/"))
    assert ours == theirs and "default-src 'self'" in ours["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in ours
    # A view that widens the policy, and a page that reads the nonce: django-csp builds those.
    widened = csp_update({"img-src": ["https://tiles.example.gov.cn"]})(plain)
    ours, theirs = _with_both_middlewares(widened, RequestFactory().get("/"))
    assert ours == theirs and "https://tiles.example.gov.cn" in ours["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    nonce_page = lambda request: HttpResponse(  # noqa: E731
        engines["django"].from_string("<script nonce='{{ request.csp_nonce }}'></script>").render({}, request))
    request = RequestFactory().get("/")
    answer = CSPMiddleware(nonce_page)(request)
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in answer["Content-Security-Policy"]
    # Changed settings (a deployment's own policy) are read again, and a report-only policy is sent.
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}
    ours, theirs = _with_both_middlewares(plain, RequestFactory().get("/"))
    assert ours == theirs and ours["Content-Security-Policy"] == "default-src 'none'"
    assert ours["Content-Security-Policy-Report-Only"] == "default-src 'self'"
