"""Issue 32: Redis may fail. Two app servers on a Redis of their own; with it stopped every menu
page of each role, the public pages and the password login answer 200/302, /healthz says
"degraded" (200), a warning is logged, the per-address limits keep counting (in the database);
once Redis is back the servers use it again. The database cache table exists whatever the cache."""
import shutil
import subprocess
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from govmedia.navigation import menu_for
from govmedia.ops.cache import parse_sentinel_url
from tests.servers import app_server_pair, settings_read, wait_for_port

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")

PUBLIC_PAGES = ["/verify/", "/verify/?q=上庄", "/open-data/", "/api/v1/search/accounts?name=上庄"]
ROLES = ("gb", "l1", "org", "filer", "site")


@pytest.fixture(scope="module")
def own_redis_pair(django_db_setup, django_db_blocker, collected_static):
    if connection.vendor != "postgresql":
        pytest.skip("two app servers need PostgreSQL")
    with django_db_blocker.unblock():
        pair = app_server_pair(collected_static, {"GUNICORN_WORKERS": 1, "REDIS_RETRY_SECONDS": 1})
        servers = pair.__enter__()
    try:
        yield servers
    finally:
        pair.__exit__(None, None, None)


def pages_of(user) -> list[str]:
    return [reverse(item.url_name) for item in menu_for(user)]


def statuses(servers, clients, extra=()) -> dict:
    seen = {}
    for name, (client, urls) in clients.items():
        for base in servers.urls:
            for url in [*urls, *extra]:
                seen[(name, base[-5:], url)] = client.get(f"{base}{url}").status_code
    return seen


def health(servers, base):
    response = servers.client().get(f"{base}/healthz")
    return response.status_code, response.json()


def test_every_menu_page_answers_with_redis_stopped_and_healthz_says_degraded(own_redis_pair, users, tree,
                                                                             transactional_db):
    from tests.factories import make_website

    servers = own_redis_pair
    make_website(tree["120101"], "hpsite", site_code="1201019999", operator_user=users["site"])
    clients = {role: (servers.login(users[role]), pages_of(users[role])) for role in ROLES}
    assert all(urls for _, urls in clients.values())
    servers.set_password(users["org"], "Redis@Down2026")
    before = statuses(servers, clients)
    assert set(before.values()) == {200}, {k: v for k, v in before.items() if v != 200}
    assert health(servers, servers.urls[0]) == (200, {"status": "ok", "checks": {
        "database": "ok", "cache": "ok", "storage": "ok", "migrations": "ok", "redis": "ok"}})

    servers.redis_process.terminate()
    servers.redis_process.wait(10)

    during = statuses(servers, clients)
    assert set(during.values()) == {200}, {k: v for k, v in during.items() if v != 200}
    anonymous = servers.client()
    for base in servers.urls:
        for url in PUBLIC_PAGES:
            assert anonymous.get(f"{base}{url}").status_code == 200, url
    # A password login lands on its first page, not on a 500.
    signed_in = servers.login_with_password(users["org"].username, "Redis@Down2026", role="org", base=servers.urls[1])
    landing = signed_in.get(f"{servers.urls[1]}/", allow_redirects=True)
    assert landing.status_code == 200 and "新媒体账号信息" in landing.text
    for base in servers.urls:
        status, body = health(servers, base)
        assert status == 200 and body["status"] == "degraded", body
        assert body["checks"]["redis"] == "degraded" and body["checks"]["cache"] == "degraded"
        assert body["checks"]["database"] == "ok"
    logs = "".join(server.log_text() for server in servers.servers)
    assert "Redis unreachable" in logs and "use the database until it answers again" in logs
    # The per-address counters went on in the database, shared by both servers.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ops_counter")
        assert cursor.fetchone()[0] >= 1

    # Redis back on the same port: the servers use it again (each tries again after 1 s).
    log = servers.servers[0].home.parent / "redis-again.log"
    again = subprocess.Popen(["redis-server", "--port", str(servers.redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--logfile", str(log)], stdout=subprocess.DEVNULL)
    try:
        log.touch()
        wait_for_port(servers.redis_port, again, log, 20)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and health(servers, servers.urls[0])[1]["status"] != "ok":
            time.sleep(0.5)
        assert health(servers, servers.urls[0])[1]["status"] == "ok"
        after = statuses(servers, {"org": clients["org"]})
        assert set(after.values()) == {200}
        assert "Redis answers again" in servers.servers[0].log_text()
    finally:
        again.terminate()
        again.wait(10)


def test_migrate_makes_the_cache_table_when_the_cache_is_redis(transactional_db):
    lines = settings_read({"REDIS_URL": "redis://127.0.0.1:1/0", "DEBUG": "0", "SECRET_KEY": "x" * 50},
                          "from django.conf import settings; import json; print(json.dumps(settings.CACHES))")
    import json

    caches = json.loads(lines[0])
    assert caches["default"]["BACKEND"] == "govmedia.ops.cache.FailoverRedisCache"
    assert caches["database"]["LOCATION"] == "govmedia_cache"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS govmedia_cache")
    with override_settings(CACHES=caches):
        call_command("migrate", verbosity=0, interactive=False)
    assert "govmedia_cache" in connection.introspection.table_names()


def test_a_sentinel_url_names_the_sentinels_and_the_master():
    assert parse_sentinel_url("sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380,10.0.0.3/govmedia/2") == {
        "hosts": [("10.0.0.1", 26379), ("10.0.0.2", 26380), ("10.0.0.3", 26379)], "service": "govmedia", "db": 2,
        "password": "s3cret"}
