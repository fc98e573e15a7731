"""Settings for the test suite: plain HTTP, fast hashing, in-memory SMS outbox."""
import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-govmedia-suite-only-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SMS_BACKEND", "accounts.sms.LocmemBackend")  # DEBUG is off: never the console backend
os.environ.setdefault("SMS_ALLOW_TEST_BACKEND", "1")

from govmedia.settings import *  # noqa: E402,F401,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

import tempfile  # noqa: E402

# One media root per test process (per xdist worker in a parallel run), shared with the worker
# processes the job tests start (they inherit the environment, worker id included).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = os.environ.setdefault("GOVMEDIA_TEST_MEDIA_ROOT" + (f"_{_XDIST_WORKER.upper()}" if _XDIST_WORKER else ""),
                                   tempfile.mkdtemp(prefix=f"govmedia-test-media-{_XDIST_WORKER}"))

# The suite's own process keeps a fast one-process cache (cleared around every test); the
# production cache (Redis / the database) is exercised by tests/prod with real server processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "database": DATABASE_CACHE}  # noqa: F405  (the fallback of a Redis cache; its table made by migrate)
ALLOW_PROCESS_LOCAL_CACHE = True

# The suite never goes on the network: monitoring is off (as on an intranet) unless a test turns it
# on against the local fixture server (tests/monitoring/fixtures.py).
MONITORING_ENABLED = False

# The suite's admin tests sign in as a superuser; production refuses one (三员分立, ops.E010, decision 0054).
OPS_ALLOW_SUPERUSER = True
# Session and password policies (decision 0054) are off in the suite, whose tests move the clock by
# days with signed-in clients; tests/compliance switches each on where it is tested.
SESSION_IDLE_MINUTES = {"default": 0}
SESSION_ABSOLUTE_MINUTES = {"default": 0}
MAX_CONCURRENT_SESSIONS = 0
PASSWORD_MAX_AGE_DAYS = 0
