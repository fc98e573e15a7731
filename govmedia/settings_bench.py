"""Settings for `make bench`: production settings (DEBUG off, real password hashing, WhiteNoise)
reachable over plain HTTP by the in-process test client."""
import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SMS_BACKEND", "accounts.sms.LocmemBackend")  # DEBUG is off: never the console backend
os.environ.setdefault("SMS_ALLOW_TEST_BACKEND", "1")

from govmedia.settings import *  # noqa: E402,F401,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
