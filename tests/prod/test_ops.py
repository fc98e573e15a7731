"""Operations: the install as documented (collectstatic with the manifest storage, DEBUG off),
/healthz, HEAD /, the request log, no 500 after the database drops connections, startup refusals."""
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import ROOT, production_env


def test_collectstatic_with_the_manifest_storage_serves_every_asset_with_debug_off(two_app_servers, chain):
    static_root = two_app_servers.static_root
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert "vendor/chartjs/chart.umd.min.js.map" in manifest  # the source map Chart.js names is vendored
    assert not (static_root / "vendor" / "htmx").exists()
    a, b = two_app_servers.urls
    anonymous = two_app_servers.client()
    login_page = anonymous.get(f"{a}/")
    assert login_page.status_code == 200 and "登录" in login_page.text
    gb = two_app_servers.login(chain["gb"])
    overview = gb.get(f"{b}/spot-checks/overview/")  # the page with a Chart.js chart
    assert overview.status_code == 200
    pages = [login_page.text, gb.get(f"{b}/media/").text, overview.text]
    assets = set()
    for html in pages:
        assets.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert any(re.search(r"bootstrap\.min\.[0-9a-f]{12}\.css$", x) for x in assets), assets
    for asset in assets:
        response = anonymous.get(f"{a}{asset}")
        assert response.status_code == 200, asset
        assert "immutable" in response.headers.get("Cache-Control", "") or asset.endswith(".svg"), asset
    assert f"/static/{manifest['vendor/chartjs/chart.umd.min.js']}" in assets


def test_healthz_head_and_the_request_log(two_app_servers, chain):
    a, b = two_app_servers.urls
    client = two_app_servers.client()
    for base in (a, b):
        response = client.get(f"{base}/healthz")
        assert response.status_code == 200
        redis = {"redis": "ok"} if two_app_servers.cache_kind == "redis" else {}
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok",
                                                              "migrations": "ok", **redis}}
        assert response.headers["Cache-Control"].startswith("max-age=0")
        assert client.head(f"{base}/").status_code == 200  # HEAD / is not 405
        assert client.head(f"{base}/healthz").status_code == 200
    filer = two_app_servers.login(chain["shangzhuang"])
    refused = filer.get(f"{a}/spot-checks/", headers={"X-Request-ID": "lb-4711-abc"})
    assert refused.status_code == 403 and refused.headers["X-Request-ID"] == "lb-4711-abc"
    missing = filer.get(f"{a}/media/999999/")
    assert missing.status_code == 404 and re.fullmatch(r"[0-9a-f]{32}", missing.headers["X-Request-ID"])
    log = two_app_servers.servers[0].log_text()
    line = next(x for x in log.splitlines() if "lb-4711-abc" in x)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 WARNING govmedia\.request \[req=lb-4711-abc\] "
                    r"GET /spot-checks/ 403 \d+\.\dms user=110108M001$", line), line
    assert f"[req={missing.headers['X-Request-ID']}] GET /media/999999/ 404" in log
    assert "Traceback" not in log  # 403 and 404 are one line each
    assert all(re.match(r"^\d{4}-\d\d-\d\dT[\d:.]+\+08:00 [A-Z]+ ", x) for x in log.splitlines() if x.strip()), log


def test_a_dropped_database_connection_costs_no_500(two_app_servers, chain):
    """What a PostgreSQL restart does to persistent connections: CONN_HEALTH_CHECKS replaces them."""
    a, b = two_app_servers.urls
    gb = two_app_servers.login(chain["gb"])
    for _ in range(6):
        for base in (a, b):
            assert gb.get(f"{base}/media/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        assert cursor.fetchone()[0] >= 2
    statuses = [gb.get(f"{base}/media/").status_code for _ in range(6) for base in (a, b)]
    assert statuses == [200] * 12


def test_a_rate_limit_holds_under_concurrent_requests_to_both_servers(two_app_servers, tree):
    a, b = two_app_servers.urls
    client = two_app_servers.client()

    def hit(i):
        return client.get(f"{(a, b)[i % 2]}/websites/apply/org/", params={"code": "110108"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(hit, range(40)))
    assert statuses.count(200) == 20 and statuses.count(429) == 20


def _gunicorn(env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "govmedia.wsgi",
                           "--bind", "127.0.0.1:0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_with_the_console_sms_backend(tmp_path):
    env = production_env(SECRET_KEY=settings.SECRET_KEY, SMS_BACKEND="accounts.sms.ConsoleBackend",
                         DATABASE_URL=os.environ.get("DATABASE_URL", ""), STATIC_ROOT=tmp_path)
    result = _gunicorn(env, tmp_path)
    assert result.returncode != 0
    assert "ops.E002" in result.stderr and "console backend" in result.stderr
    check = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert check.returncode != 0 and "ops.E002" in check.stderr


def test_a_missing_secret_key_is_refused_and_created_once_by_a_command(tmp_path):
    key_file = tmp_path / "keys" / "secret_key"
    env = production_env(SMS_FILE_PATH=tmp_path / "sms.jsonl", SECRET_KEY_FILE=key_file, STATIC_ROOT=tmp_path,
                         DATABASE_URL=os.environ.get("DATABASE_URL", ""))
    env.pop("SECRET_KEY", None)
    result = _gunicorn(env, tmp_path)
    assert result.returncode != 0 and "ops.E001" in result.stderr and not key_file.exists()

    made = subprocess.run([sys.executable, "manage.py", "create_secret_key"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert oct(key_file.stat().st_mode & 0o777) == "0o600" and len(key_file.read_text()) >= 50
    first = key_file.read_text()
    again = subprocess.run([sys.executable, "manage.py", "create_secret_key"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode != 0 and "never replaced" in again.stderr and key_file.read_text() == first
    check = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert check.returncode == 0, check.stderr


def test_a_one_process_cache_is_refused_with_debug_off(settings):
    from govmedia.ops.checks import production_refusals

    settings.ALLOW_PROCESS_LOCAL_CACHE = False
    assert [e.id for e in production_refusals()] == ["ops.E004"]
    settings.ALLOW_PROCESS_LOCAL_CACHE = True
    assert production_refusals() == []


@pytest.mark.parametrize("extra, sentry_active, mails", [
    ({}, False, False),
    ({"SENTRY_DSN": "http://public@127.0.0.1:9/1", "ADMINS": "运维值班 <ops@example.gov.cn>"}, True, True),
])
def test_error_reporting_is_switched_on_by_sentry_dsn_and_admins(tmp_path, extra, sentry_active, mails):
    env = production_env(SECRET_KEY=settings.SECRET_KEY, SMS_FILE_PATH=tmp_path / "sms.jsonl", **extra)
    code = ("import django, logging, sentry_sdk; django.setup(); from django.conf import settings; "
            "print(sentry_sdk.get_client().is_active(), settings.ADMINS, "
            "[type(h).__name__ for h in logging.getLogger('django.request').handlers], "
            "settings.DATABASES['default']['CONN_HEALTH_CHECKS'], settings.SESSION_ENGINE)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout.strip()
    assert out.startswith(str(sentry_active))
    assert ("('运维值班', 'ops@example.gov.cn')" in out) == mails and ("AdminEmailHandler" in out) == mails
    assert out.endswith("True accounts.session_store")  # the database backend (a subclass): sessions outlive Redis


def test_healthz_answers_503_naming_the_failed_check(client, db, monkeypatch):
    from govmedia.ops import views

    def pending():
        raise RuntimeError("pending migrations")

    assert client.get("/healthz").json()["status"] == "ok"
    monkeypatch.setitem(views.CHECKS, "migrations", pending)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "cache": "ok", "storage": "ok",
                                                             "migrations": "error"}}
