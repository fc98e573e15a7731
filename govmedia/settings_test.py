"""Settings for the test suite: plain HTTP, fast hashing, in-memory SMS outbox."""
import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-govmedia-suite-only-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from govmedia.settings import *  # noqa: E402,F401,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "accounts.sms.LocmemBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

import tempfile  # noqa: E402

# One media root per run, shared with the worker processes the job tests start (they inherit it).
MEDIA_ROOT = os.environ.setdefault("GOVMEDIA_TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="govmedia-test-media-"))
