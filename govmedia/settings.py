"""Settings of govmedia, read from the environment (twelve-factor).

Variables: DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CSRF_TRUSTED_ORIGINS,
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, INITIAL_PASSWORD_KEY, SMS_BACKEND, REDIS_URL,
STATIC_ROOT, MEDIA_ROOT. See docs/deploy.md.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)



def _secret_key() -> str:
    """SECRET_KEY from the environment, else from a key file made once per installation
    (never a key shipped in the code)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
    if not key_file.exists():
        import secrets

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    key = key_file.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{key_file} holds no usable SECRET_KEY.")
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "captcha",
    "orgtree",
    "accounts",
    "reviews",
    "accounts_media",
    "reports",
    "websites",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # activates zh-hans on every request (LANGUAGES holds only it)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "govmedia.access.AccessMiddleware",
]

ROOT_URLCONF = "govmedia.urls"
WSGI_APPLICATION = "govmedia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govmedia.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.CharacterClassValidator"},
    {"NAME": "accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions live in the database by default, in Redis when REDIS_URL is set (docs/deploy.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login throttling (django-axes): 5 failures per username, or per IP address, lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_USERNAME_CALLABLE = "accounts.backends.throttle_username"  # BM2900 and bm2900 share one counter
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

# The image 验证码 (django-simple-captcha): asked after LOGIN_CAPTCHA_AFTER failures from an address
# on the login page, and after PUBLIC_CAPTCHA_AFTER uses an hour of the public website forms.
LOGIN_CAPTCHA_AFTER = int(os.environ.get("LOGIN_CAPTCHA_AFTER", "2"))
PUBLIC_CAPTCHA_AFTER = int(os.environ.get("PUBLIC_CAPTCHA_AFTER", "5"))
CAPTCHA_2X_IMAGE = False
CAPTCHA_TIMEOUT = 10
CAPTCHA_LENGTH = 4

# SQLite (the demo) ignores INCLUDE columns of PostgreSQL indexes; production runs on PostgreSQL.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. Production defaults are strict; a TLS-terminating proxy sets
# SECURE_PROXY_SSL_HEADER through TRUST_X_FORWARDED_PROTO=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploaded documents (季度报告, notice attachments): the size limit.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "20")) * 1024 * 1024

# Key that encrypts the initial passwords of filer units (Fernet, derived from this secret).
INITIAL_PASSWORD_KEY = os.environ.get("INITIAL_PASSWORD_KEY", SECRET_KEY)

# SMS verification backend (accounts.sms); the console backend logs the message.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------------------------
# Security hardening (issue 19; docs/decisions/0017-login-throttling.md, 0018-credentials-and-admin.md).
# Kept in one block: it overrides the login-throttling lines above.
# ---------------------------------------------------------------------------------------------
# django-axes locks the (username, address) *pair*; a success resets that pair only, never the
# failures against another account from the same address (the bypass of issue 19).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# govmedia.common.throttle, on the same rows: an address is locked after this many failures
# (all usernames together); a username is never locked, only slowed down (progressive delay
# up to LOGIN_MAX_DELAY_SECONDS) from addresses it never logged in from.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", "60"))

# --- File storage, staging, backups (files branch; decision records 0008, 0009) -------------------
# Every uploaded or staged file (pending import files, 季度报告, notice attachments, export results)
# lives in the database in chunks (govmedia.common.storage.DatabaseStorage), so every app server
# sees it and a database backup holds it. MEDIA_ROOT is no longer used for them.
INSTALLED_APPS += ["govmedia.filestore"]
STORAGES["default"] = {"BACKEND": "govmedia.common.storage.DatabaseStorage"}
FILE_STORAGE_CHUNK_BYTES = int(os.environ.get("FILE_STORAGE_CHUNK_KB", "1024")) * 1024
# Temporary uploads under staging/ (checked import files) are removed by `manage.py cleanup_staging`.
STAGING_MAX_AGE_HOURS = int(os.environ.get("STAGING_MAX_AGE_HOURS", "24"))
# A large upload that cannot be received (temp folder full or read-only) answers in Chinese, not 500.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"),
                  "govmedia.common.upload_guard.UploadFailureMiddleware")
# Folder of pg_dump / pg_restore for `manage.py backup` / `restore` (else PATH, else the newest
# /usr/lib/postgresql/*/bin).
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")

# --- Background jobs (the `jobs` app; docs/decisions/0010, docs/deploy.md) ------------------------
# The queue is django-tasks' database backend: jobs wait in the database (PostgreSQL: SELECT … FOR
# UPDATE SKIP LOCKED; SQLite in the demo), `manage.py jobs_worker` runs them on any number of
# machines, `manage.py run_scheduled` (a timer, every minute, on any node) enqueues the scheduled ones.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "jobs"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports", "scheduled"]}}
JOBS_EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "3"))        # 下载中心 keeps a file this long
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))  # a running job's lease renewal
JOBS_LEASE_SECONDS = float(os.environ.get("JOBS_LEASE_SECONDS", "90"))          # no heartbeat this long: worker died
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "2"))             # then 失败 with a Chinese message
EXPORT_IMMEDIATE_MAX_ROWS = int(os.environ.get("EXPORT_IMMEDIATE_MAX_ROWS", "5000"))  # larger selections: a job
