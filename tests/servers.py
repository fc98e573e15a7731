"""Two real app servers for tests of production behaviour across processes (a pytest plugin,
registered by tests/conftest.py, so every test directory can use `two_app_servers`).

`two_app_servers` (function scope, implies `transactional_db`) gives two gunicorn servers started
once per test session from `gunicorn.conf.py`: separate processes (2 workers each) with their own
temp dirs (MEDIA_ROOT, TMPDIR), DEBUG off and govmedia.settings (production settings: manifest
static files collected once, PBKDF2 hashing, database sessions), on the test database, sharing
one cache — Redis from a redis-server started here on a free port when redis-server is installed,
else the database cache (or with GOVMEDIA_TWO_SERVERS_CACHE=database). SMS go to a JSON-lines file (accounts.sms.FileBackend) both servers share.

    def test_x(two_app_servers, users):
        servers = two_app_servers
        a, b = servers.urls                       # "http://127.0.0.1:PORT" each
        client = servers.login(users["gb"])       # a requests.Session, signed in on both servers
        client.get(f"{b}/media/")
        client.post(f"{a}/some/form/", data={...})   # the CSRF header is added
        servers.login_with_password(username, password, role="org", base=a)   # the real login form

The test process's own cache is switched to the servers' cache for the test, so services called
in the test share its counters too. Data made in the test is committed (transactional_db) and
seen by the servers at once.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_ROLES = {"org", "filer"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start in {seconds}s:\n{log.read_text()[-4000:]}")


def stop(*processes: subprocess.Popen) -> None:
    """SIGTERM to every process at once, then wait for each (killed after 20 s)."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def settings_read(env: dict, code: str, drop=("DJANGO_SETTINGS_MODULE",)) -> list[str]:
    """The lines `code` prints with govmedia.settings loaded in a fresh process under `env` (the
    environment minus the keys in `drop`, or starting with a `drop` entry ending in "_")."""
    base = {k: v for k, v in os.environ.items()
            if not any(k == d or (d.endswith("_") and k.startswith(d)) for d in drop)}
    out = subprocess.run([sys.executable, "-c", code], env={**base, "DJANGO_SETTINGS_MODULE": "govmedia.settings", **env},
                         capture_output=True, text=True, check=True)
    return out.stdout.split("\n")


def production_env(**extra) -> dict:
    """The environment of a production-settings process on loopback, plain HTTP."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST",
                        "REDIS_URL", "CACHE_KEY_PREFIX"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "govmedia.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",  # plain HTTP on loopback: the only departure from production
        "SECURE_HSTS_SECONDS": "0",
        "SMS_BACKEND": "accounts.sms.FileBackend",
        "SMS_ALLOW_TEST_BACKEND": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


def collect_static(static_root: Path) -> subprocess.CompletedProcess:
    """`manage.py collectstatic --noinput` with the production storage (whitenoise manifest)."""
    from django.conf import settings

    env = production_env(SECRET_KEY=settings.SECRET_KEY, STATIC_ROOT=static_root, SMS_FILE_PATH=os.devnull)
    return subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    home: Path
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class TwoAppServers:
    servers: list[AppServer]
    cache_kind: str  # "redis" or "database"
    cache_settings: dict
    sms_file: Path
    redis_port: int | None = None
    static_root: Path | None = None
    redis_process: subprocess.Popen | None = None
    _sessions: list = field(default_factory=list)

    @property
    def urls(self) -> tuple[str, str]:
        return self.servers[0].url, self.servers[1].url

    def client(self):
        """A requests.Session that adds Django's CSRF header to unsafe requests."""
        import requests

        class Client(requests.Session):
            def request(inner, method, url, *args, **kwargs):
                if method.upper() not in {"GET", "HEAD", "OPTIONS"}:
                    if "csrftoken" not in inner.cookies:
                        base = url.split("/", 3)
                        requests.Session.request(inner, "GET", f"{base[0]}//{base[2]}/", timeout=30)
                    headers = dict(kwargs.pop("headers", None) or {})
                    headers.setdefault("X-CSRFToken", inner.cookies.get("csrftoken", ""))
                    kwargs["headers"] = headers
                kwargs.setdefault("timeout", 60)
                kwargs.setdefault("allow_redirects", False)
                return requests.Session.request(inner, method, url, *args, **kwargs)

        session = Client()
        self._sessions.append(session)
        return session

    def login(self, user):
        """A client signed in as `user` on both servers (a database session, as a login makes; the
        cookie of 127.0.0.1 goes to every port)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "accounts.backends.RoleBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        client = self.client()
        client.cookies.set("sessionid", store.session_key, domain="127.0.0.1", path="/")
        return client

    @staticmethod
    def set_password(user, password: str) -> None:
        """Store `password` with the production hasher (the suite's own settings hash with MD5)."""
        from django.contrib.auth.hashers import PBKDF2PasswordHasher

        hasher = PBKDF2PasswordHasher()
        type(user).objects.filter(pk=user.pk).update(password=hasher.encode(password, hasher.salt()))

    def login_with_password(self, username: str, password: str, role: str, base: str | None = None):
        """Sign in through the real login form of `base` (server A by default)."""
        assert role in PASSWORD_ROLES
        base = base or self.urls[0]
        client = self.client()
        client.get(f"{base}/")
        response = client.post(f"{base}/", data={"username": username, "password": password, "role": role,
                                                  "csrfmiddlewaretoken": client.cookies.get("csrftoken", "")})
        assert response.status_code == 302, (response.status_code, response.text[:2000])
        return client

    def sms_messages(self) -> list[dict]:
        if not self.sms_file.exists():
            return []
        return [json.loads(line) for line in self.sms_file.read_text(encoding="utf-8").splitlines() if line]

    def clear_cache(self) -> None:
        from django.core.cache import caches

        caches["default"].clear()

    def close_clients(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions.clear()


def start_on_free_port(start, log: Path, seconds: float = 60, attempts: int = 4) -> tuple[subprocess.Popen, int]:
    """`start(port)` → a process listening on a port picked free; tried again on another port when
    the process exits before it listens (another test process took the port in between)."""
    for attempt in range(attempts):
        port = free_port()
        process = start(port)
        try:
            wait_for_port(port, process, log, seconds)
            return process, port
        except RuntimeError:
            if process.poll() is None or attempt == attempts - 1:
                stop(process)
                raise
    raise AssertionError("unreachable")


def _start_redis(home: Path) -> tuple[subprocess.Popen, int] | None:
    binary = shutil.which("redis-server")
    if not binary:
        return None
    log = home / "redis.log"
    log.touch()
    return start_on_free_port(
        lambda port: subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no", "--dir", str(home), "--logfile", str(log)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT), log, 20)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT filled once by collectstatic with the production (manifest) storage."""
    static_root = tmp_path_factory.mktemp("static-root")
    result = collect_static(static_root)
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


@pytest.fixture(scope="session")
def app_server_extra_env() -> dict:
    """Extra environment variables for both app servers (e.g. a shared file storage's settings);
    override this fixture in tests/conftest.py, or add to it here."""
    return {}


@contextmanager
def app_server_pair(static_root: Path, extra_env: dict | None = None, use_redis: bool = True):
    """Start two app servers (and a redis-server of their own when `use_redis` and installed) on
    the test database; a TwoAppServers; everything stopped afterwards. Needs the database unblocked."""
    from django.conf import settings
    from django.db import connection

    home = Path(tempfile.mkdtemp(prefix="govmedia-two-servers-"))
    processes = []
    pair = None
    try:
        redis = _start_redis(home) if use_redis else None
        if redis:
            processes.append(redis[0])
            redis_url = f"redis://127.0.0.1:{redis[1]}/0"
            cache_settings = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                          "LOCATION": redis_url, "KEY_PREFIX": "govmedia"}}
        else:
            redis_url = None
            cache_settings = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                          "LOCATION": "govmedia_cache", "KEY_PREFIX": "govmedia"}}
            from django.core.management import call_command
            from django.test import override_settings

            with override_settings(CACHES=cache_settings):
                call_command("createcachetable")  # what `migrate` makes when the cache is the database
        sms_file = home / "sms.jsonl"
        servers = []
        for name in ("a", "b"):
            server_home = home / name
            (server_home / "tmp").mkdir(parents=True)
            log = server_home / "server.log"
            env = production_env(
                SECRET_KEY=settings.SECRET_KEY,
                INITIAL_PASSWORD_KEY=settings.INITIAL_PASSWORD_KEY,
                DATABASE_URL=database_url(connection.settings_dict),
                REDIS_URL=redis_url,
                CACHE_KEY_PREFIX="govmedia",
                STATIC_ROOT=static_root,
                MEDIA_ROOT=server_home / "media",
                TMPDIR=server_home / "tmp",
                SMS_FILE_PATH=sms_file,
                GUNICORN_WORKERS=2,
                GUNICORN_THREADS=2,
                GOVMEDIA_SERVER_NAME=name,
            )
            env.update({k: str(v) for k, v in (extra_env or {}).items()})

            def start(port, env=env, log=log):
                with open(log, "ab") as out:
                    return subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "govmedia.wsgi",
                         "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

            process, port = start_on_free_port(start, log)
            processes.append(process)
            servers.append(AppServer(f"http://127.0.0.1:{port}", process, server_home, log))
        pair = TwoAppServers(servers, "redis" if redis else "database", cache_settings, sms_file,
                             redis[1] if redis else None, static_root, redis[0] if redis else None)
        yield pair
    finally:
        # The clients' kept-alive connections closed first: gunicorn's graceful stop waits for them
        # (graceful_timeout), which made each pair's teardown take 20 s.
        if pair is not None:
            pair.close_clients()
        stop(*reversed(processes))
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def _app_server_pair(django_db_setup, django_db_blocker, collected_static, app_server_extra_env):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two app servers need PostgreSQL (the test database is SQLite)")
    # GOVMEDIA_TWO_SERVERS_CACHE=database exercises the database cache where Redis exists too.
    with django_db_blocker.unblock():
        pair = app_server_pair(collected_static, app_server_extra_env,
                               use_redis=os.environ.get("GOVMEDIA_TWO_SERVERS_CACHE") != "database")
        servers = pair.__enter__()
    try:
        yield servers
    finally:
        pair.__exit__(None, None, None)


@pytest.fixture
def two_app_servers(_app_server_pair, transactional_db, settings):
    """The two servers, with this test's process on their shared cache, emptied first."""
    settings.CACHES = _app_server_pair.cache_settings
    settings.ALLOW_PROCESS_LOCAL_CACHE = False
    if os.path.exists(_app_server_pair.sms_file):
        os.unlink(_app_server_pair.sms_file)
    _app_server_pair.clear_cache()
    yield _app_server_pair
    _app_server_pair.close_clients()
    _app_server_pair.clear_cache()
