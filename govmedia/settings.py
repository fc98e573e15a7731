"""Settings of govmedia, read from the environment (twelve-factor).

Variables: DEBUG, SECRET_KEY / SECRET_KEY_FILE, ALLOWED_HOSTS, DATABASE_URL, CSRF_TRUSTED_ORIGINS,
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, INITIAL_PASSWORD_KEY, SMS_BACKEND, REDIS_URL,
CACHE_KEY_PREFIX, STATIC_ROOT, MEDIA_ROOT, LOG_LEVEL, ADMINS, EMAIL_*, SENTRY_DSN; 等保/商用密码: DATA_KEYS,
DATA_KEYS_FILE, JOURNAL_MAC_KEY, JOURNAL_CHAIN_PARTITIONS, AUDIT_RETENTION_DAYS, AUDIT_NOTIFY_EMAILS,
SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_MINUTES, MAX_CONCURRENT_SESSIONS, PASSWORD_MAX_AGE_DAYS,
PASSWORD_HISTORY. See docs/deploy.md.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from govmedia.ops.secret_key import write_key_file  # the demo makes its key on first start (_secret_key)

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)



# --- ops: SECRET_KEY -------------------------------------------------------------------------
SECRET_KEY_FILE = Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else from the key file made once at installation by
    `manage.py create_secret_key` (never a key shipped in the code). With DEBUG off a missing key is
    left empty: the app refuses to start (govmedia.ops.checks) instead of each server inventing its own."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not SECRET_KEY_FILE.exists():
        if not DEBUG:
            return ""
        write_key_file(SECRET_KEY_FILE)
    key = SECRET_KEY_FILE.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{SECRET_KEY_FILE} holds no usable SECRET_KEY.")
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
    "axes",
    "csp",
    "captcha",
    "orgtree",
    "accounts",
    "reviews",
    "accounts_media",
    "reports",
    "websites",
    "govmedia.ops",  # ops: /healthz, request log, startup checks, shared counters, the cache table
]

MIDDLEWARE = [
    "govmedia.ops.middleware.RequestLogMiddleware",  # ops: request id and one log line per request
    "govmedia.common.input_guard.InputGuardMiddleware",  # NUL in a path or parameter: 400 (issue 29)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govmedia.common.pagestate.PageStateMiddleware",  # the page's cached state: one round trip a request
    "reviews.journal.JournalMiddleware",  # the journal reads the request's user and address (reviews/journal.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govmedia.security.CSPMiddleware",  # django-csp's, the policy string built once
    "axes.middleware.AxesMiddleware",
    "govmedia.access.AccessMiddleware",
    "govmedia.common.preflight.PreflightMiddleware",  # after access: validation before confirmation (issue 30)
]

ROOT_URLCONF = "govmedia.urls"
WSGI_APPLICATION = "govmedia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "govmedia.common.template_backend.DjangoTemplates",  # (the context freed once drawn)
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govmedia.context_processors.navigation",
            ],
            # {% may_open "url:name" as flag %}: the access map, in templates.
            "builtins": ["govmedia.access_tags", "govmedia.page_tags"],
        },
    },
]
# Forms and widgets drawn by Django's Jinja2 copies of its own templates (the admin's through the
# Django engine): the same markup, 1.3–4 × faster (govmedia/common/forms.py, decision 0075).
FORM_RENDERER = "govmedia.common.forms.FormRenderer"

def _database(url: str) -> dict:
    """DATABASE_URL, also in libpq's multi-host form for a primary and its standby:
    postgres://user:pw@db1:5432,db2:5432/govmedia?target_session_attrs=read-write — every new
    connection goes to whichever host accepts writes (after a failover, the promoted standby)."""
    options = {"conn_max_age": int(os.environ.get("CONN_MAX_AGE", "60")),
               "conn_health_checks": True}  # ops: a connection dropped by a restart/failover is replaced, not a 500
    scheme, sep, rest = url.partition("://")
    netloc = rest.split("/", 1)[0]
    auth, _, hosts = netloc.rpartition("@")
    if "," not in hosts:
        return dj_database_url.parse(url, **options)
    pairs = [h.partition(":") for h in hosts.split(",")]
    first = f"{auth + '@' if auth else ''}{pairs[0][0]}:{pairs[0][2] or 5432}"
    config = dj_database_url.parse(f"{scheme}{sep}{first}{rest[len(netloc):]}", **options)
    config["HOST"] = ",".join(host for host, _, _ in pairs)
    config["PORT"] = ",".join(port or "5432" for _, _, port in pairs)
    return config


DATABASES = {"default": _database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Behind PgBouncer in transaction pooling mode (docs/deploy.md): a connection may change between two
# transactions, so no server-side cursors (`.iterator()` reads in chunks client-side instead).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = os.environ.get("DISABLE_SERVER_SIDE_CURSORS", "0") == "1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.RoleBackend",
    "accounts.ops_roles.OpsRoleBackend",  # 三员分立: an ops user's permissions come from its role (decision 0054)
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "accounts.hashers.PBKDF2SM3PasswordHasher",  # 商用密码: PBKDF2-HMAC-SM3 (decision 0052)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # hashes stored before: upgraded at the next login
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.CharacterClassValidator"},
    {"NAME": "accounts.validators.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- ops: shared state (docs/decisions/0006) ---------------------------------------------------
# One cache for every app server: Redis when REDIS_URL is set, else the database cache table
# (made by `migrate`). Sessions always live in the database, so they survive a cache restart.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "govmedia")
# With Redis (redis://… or sentinel://h1:26379,h2:26379/mymaster/0) the app degrades to the database
# cache while Redis is unreachable (govmedia.ops.cache, decision 0057); the `database` alias always
# exists, so `migrate` always makes its table and unsetting REDIS_URL later just works.
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govmedia_cache",
                  "KEY_PREFIX": CACHE_KEY_PREFIX}
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "5"))  # after a failure, Redis is tried again after this
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "govmedia.ops.cache.FailoverRedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": CACHE_KEY_PREFIX,
                          "OPTIONS": {"socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
                                      "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "1"))}},
              "database": DATABASE_CACHE}
else:
    CACHES = {"default": DATABASE_CACHE, "database": DATABASE_CACHE}
SESSION_ENGINE = "accounts.session_store"  # the database backend, its read compiled once
# A cache that lives in one process (LocMemCache) is refused with DEBUG off unless this is set
# (the test suite's own process only).
ALLOW_PROCESS_LOCAL_CACHE = False
# /metrics (Prometheus) answers only these networks (the scraper's; comma-separated CIDRs), 404 elsewhere.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")
# --- end ops: shared state ----------------------------------------------------------------------
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
# The client address (govmedia/common/client_ip.py): PROXY_COUNT trusted reverse proxies in front;
# axes, the rate limits and the journal all read it through the same function.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "govmedia.common.client_ip.client_ip"

# The image 验证码 (django-simple-captcha): asked after LOGIN_CAPTCHA_AFTER failures from an address
# on the login page, and after PUBLIC_CAPTCHA_AFTER uses an hour of the public website forms.
LOGIN_CAPTCHA_AFTER = int(os.environ.get("LOGIN_CAPTCHA_AFTER", "2"))  # per username (decision 0049)
# …and from one address, all usernames together, after this many (an office behind one NAT).
LOGIN_CAPTCHA_ADDRESS_AFTER = int(os.environ.get("LOGIN_CAPTCHA_ADDRESS_AFTER", "10"))
PUBLIC_CAPTCHA_AFTER = int(os.environ.get("PUBLIC_CAPTCHA_AFTER", "5"))
CAPTCHA_2X_IMAGE = False
CAPTCHA_TIMEOUT = 10
CAPTCHA_LENGTH = 4

# SQLite (the demo) ignores INCLUDE columns of PostgreSQL indexes; production runs on PostgreSQL.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# One language: Django answers in LANGUAGE_CODE with nothing activated, so no LocaleMiddleware
# (it read Accept-Language on every request to choose among one; ~45 µs a page).
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

# Security headers. Production defaults are strict; a TLS-terminating proxy sets
# SECURE_PROXY_SSL_HEADER through TRUST_X_FORWARDED_PROTO=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # ops: load balancers probe over plain HTTP
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

# 法定节假日 skipped by the 3-working-day filing rule (accounts_media.filing, decision 0033), besides
# Saturdays and Sundays: ISO dates separated by commas, e.g. "2026-10-01,2026-10-02".
PUBLIC_HOLIDAYS = [d.strip() for d in os.environ.get("PUBLIC_HOLIDAYS", "").split(",") if d.strip()]

# Key that encrypted the initial passwords of filer units before SM4 (Fernet; still read), and the
# seed of the data key "k0".
INITIAL_PASSWORD_KEY = os.environ.get("INITIAL_PASSWORD_KEY", SECRET_KEY)
# 商用密码 (decision 0052): the SM4 data keys (govmedia.common.gm). DATA_KEYS="k2=<32 hex>,k1=<32 hex>"
# (first = current) or the file DATA_KEYS_FILE (`manage.py rotate_keys --new-key`; last line = current).
DATA_KEYS = os.environ.get("DATA_KEYS", "")
DATA_KEYS_FILE = os.environ.get("DATA_KEYS_FILE", str(BASE_DIR / "var" / "data_keys"))
# HMAC-SM3 key of the journal's chain (reviews/chain.py); derived from SECRET_KEY when unset.
JOURNAL_MAC_KEY = os.environ.get("JOURNAL_MAC_KEY", "")

# SMS verification backend (accounts.sms); the console backend logs the message and is refused
# with DEBUG off, so are the test outboxes unless SMS_ALLOW_TEST_BACKEND=1 (test runs only).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "accounts.sms.ConsoleBackend")
SMS_ALLOW_TEST_BACKEND = env_bool("SMS_ALLOW_TEST_BACKEND", False)
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", "")  # accounts.sms.FileBackend: one JSON line per message

# --- ops: logging and error reporting -----------------------------------------------------------
# One line per record on stderr, times in TIME_ZONE (Asia/Shanghai) for every logger (gunicorn's too,
# through gunicorn.conf.py); each request logs one line from govmedia.ops.middleware. 4xx responses
# are in that line, so django.request logs only 5xx (with their traceback).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_4xx_traceback": {"()": "govmedia.ops.logs.No4xxTraceback"}},
    "formatters": {"line": {"()": "govmedia.ops.logs.LineFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line",
                             "filters": ["no_4xx_traceback"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
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
INSTALLED_APPS += ["helpcenter"]  # 帮助中心 (issue 30)
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
# 检查结果信息表 reminders (decision 0039): the early one from N days before the 截止日期, then every N days overdue.
CHECK_REMIND_DAYS_BEFORE = int(os.environ.get("CHECK_REMIND_DAYS_BEFORE", "3"))
CHECK_OVERDUE_REMIND_EVERY_DAYS = int(os.environ.get("CHECK_OVERDUE_REMIND_EVERY_DAYS", "3"))
EXPORT_IMMEDIATE_MAX_ROWS = int(os.environ.get("EXPORT_IMMEDIATE_MAX_ROWS", "5000"))  # larger selections: a job
# The ops admin: a second factor (django-otp TOTP), the login page's throttling, and optionally
# only from OPS_ADMIN_ALLOWED_NETWORKS (comma-separated addresses or CIDR networks).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "govmedia.apps.OpsAdminConfig"
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
OTP_TOTP_ISSUER = "全国政务新媒体与政府网站报送系统"
OPS_ADMIN_ALLOWED_NETWORKS = env_list("OPS_ADMIN_ALLOWED_NETWORKS")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # TOTP secrets only ever shown once, by `manage.py ops_totp`
# Headers: no-store on signed-in pages, exports and JSON (govmedia.security); Permissions-Policy
# (django-permissions-policy) switches off the browser features no page of ours uses.
MIDDLEWARE.insert(MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "govmedia.security.NoStoreMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "django_permissions_policy.PermissionsPolicyMiddleware")
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "usb", "xr-spatial-tracking")}
# ADMINS="Name <ops@example.gov.cn>, …" mails every 500 (through the EMAIL_* settings).
ADMINS = [(name.strip(), email.strip().rstrip(">").strip()) if email else (name.strip(), name.strip())
          for name, _, email in (part.partition("<") for part in env_list("ADMINS"))]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "govmedia@localhost")
# E-mail of notifications (消息中心's 电子邮件 channel) and of ADMINS: SMTP in production, the console
# in the demo (DEBUG on: the messages are printed, nothing is sent); EMAIL_BACKEND overrides either.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govmedia@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
if ADMINS:
    LOGGING["handlers"]["mail_admins"] = {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"}
    LOGGING["loggers"]["django.request"]["handlers"] = ["console", "mail_admins"]
    LOGGING["loggers"]["django.request"]["propagate"] = False

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
                    send_default_pii=False, traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")))
# --- end ops: logging ---------------------------------------------------------------------------

# --- public verification and open data (verify app, issue 17) ---------------------------------
# 官方账号查询, /api/v1/, open-data files, change feeds. django.contrib.postgres gives the trigram
# lookups (pg_trgm; the SQLite demo falls back to icontains). Limits count per address in the cache
# (govmedia.common.ratelimit), per hour.
INSTALLED_APPS += ["django.contrib.postgres", "ninja", "verify"]
# An office network shares one address: the 验证码 comes after VERIFY_CAPTCHA_AFTER look-ups of an
# address in an hour (not PUBLIC_CAPTCHA_AFTER), the hard limit after VERIFY_PAGE_LIMIT (issue 29).
VERIFY_PAGE_LIMIT = int(os.environ.get("VERIFY_PAGE_LIMIT", "600"))     # 官方账号查询 page, per address and hour
VERIFY_CAPTCHA_AFTER = int(os.environ.get("VERIFY_CAPTCHA_AFTER", "60"))  # then the 验证码, per address and hour
VERIFY_REPORT_LIMIT = int(os.environ.get("VERIFY_REPORT_LIMIT", "20"))    # 举报仿冒账号, per address and hour
VERIFY_LOOKUP_QUEUE_AFTER = int(os.environ.get("VERIFY_LOOKUP_QUEUE_AFTER", "5"))  # unknown link looked up N times → 待核查
VERIFY_LOOKUP_WINDOW_DAYS = int(os.environ.get("VERIFY_LOOKUP_WINDOW_DAYS", "30"))  # … within this many days
VERIFY_REUSE_BATCH = int(os.environ.get("VERIFY_REUSE_BATCH", "500"))  # closed accounts' links checked per daily run
VERIFY_API_LIMIT = int(os.environ.get("VERIFY_API_LIMIT", "1200"))      # /api/v1/ requests, per address and hour
OPEN_DATA_KEEP_DAYS = int(os.environ.get("OPEN_DATA_KEEP_DAYS", "30"))  # daily snapshots kept besides today's
OPEN_DATA_PREFIX = "opendata"                                            # folder in default_storage

# --- dashboards, review ageing, notifications (issue 18; docs/decisions/0030, 0031) -----------
INSTALLED_APPS += ["notifications", "dashboard"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("notifications.context_processors.unread")
# A request waiting at one unit longer than this many calendar days is 超期 (highlighted in 待审核,
# counted on 数据看板, listed for the units above, reminded daily).
REVIEW_AGEING_DAYS = int(os.environ.get("REVIEW_AGEING_DAYS", "7"))
# SMS and e-mail delivery, at least once (notifications/delivery.py): attempts per channel, the
# wait before the 2nd attempt (x4 before each further one), the claim lease the sweeper honours,
# and how many findings of one unit in one monitoring chunk become one digest message.
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "3"))
NOTIFY_RETRY_SECONDS = int(os.environ.get("NOTIFY_RETRY_SECONDS", "60"))
NOTIFY_LEASE_SECONDS = int(os.environ.get("NOTIFY_LEASE_SECONDS", "300"))
NOTIFY_FINDING_DIGEST_OVER = int(os.environ.get("NOTIFY_FINDING_DIGEST_OVER", "20"))
# --- automatic monitoring (monitoring app, issue 18; docs/decisions/0028, docs/deploy.md) ------
# Checks of websites (homepage, certificate, 备案标识, 栏目 links) and accounts (link, latest post,
# app download) on the job queue, off unless ops set MONITORING_ENABLED=1 (issue 27); ops can switch
# single checks off (MONITORING_DISABLED_CHECKS=tls,columns) or sends them through a proxy.
INSTALLED_APPS += ["monitoring"]
# Off unless ops enable it (issue 27): the demo and a fresh install never fetch real sites (0044).
MONITORING_ENABLED = env_bool("MONITORING_ENABLED", False)
MONITORING_CONFIRM_RUNS = int(os.environ.get("MONITORING_CONFIRM_RUNS", "2"))      # failing runs in a row before a finding
MONITORING_CONFIRM_HOURS = float(os.environ.get("MONITORING_CONFIRM_HOURS", "4"))  # … the first and the last this far apart
MONITORING_PROBE_URLS = env_list("MONITORING_PROBE_URLS") or ["https://www.gov.cn/"]  # none answers: the run is 未检查
MONITORING_CHECKS = {kind: False for kind in env_list("MONITORING_DISABLED_CHECKS")}
MONITORING_PROXY = os.environ.get("MONITORING_PROXY", "")
# CIDRs the address guard lets through (an intranet's own portal); nothing private otherwise (0043)
MONITORING_ALLOWED_NETWORKS = env_list("MONITORING_ALLOWED_NETWORKS")
MONITORING_TIMEOUT = float(os.environ.get("MONITORING_TIMEOUT", "10"))
MONITORING_CONCURRENCY = int(os.environ.get("MONITORING_CONCURRENCY", "16"))
MONITORING_PER_HOST = int(os.environ.get("MONITORING_PER_HOST", "2"))
MONITORING_POLITENESS_DELAY = float(os.environ.get("MONITORING_POLITENESS_DELAY", "0.5"))
# An intranet with its own CA or a gateway in front of the platforms: the TLS check's CA file, the
# latest-post readers' endpoints ("WB=https://weibo-gw.intra,BL=https://bili-gw.intra"), another fetcher class.
MONITORING_CA_BUNDLE = os.environ.get("MONITORING_CA_BUNDLE", "")
MONITORING_PLATFORM_ENDPOINTS = {"WB": "https://m.weibo.cn", "BL": "https://api.bilibili.com", **{
    code.strip().upper(): url.strip() for code, _, url in (item.partition("=") for item in env_list("MONITORING_PLATFORM_ENDPOINTS"))
    if url.strip()}}
MONITORING_FETCHER = os.environ.get("MONITORING_FETCHER", "govmedia.fetch.fetchers.HttpxFetcher")
MONITORING_HOST_GATE = os.environ.get("MONITORING_HOST_GATE", "auto")  # auto: shared through Redis when REDIS_URL is set (0034)
MONITORING_USER_AGENT = os.environ.get("MONITORING_USER_AGENT", "govmedia-monitor/1.0 (+government website and new-media registry monitoring)")
MONITORING_STALE_DAYS = int(os.environ.get("MONITORING_STALE_DAYS", "14"))   # 监测时间点前2周无更新
MONITORING_KEEP_RESULTS_DAYS = int(os.environ.get("MONITORING_KEEP_RESULTS_DAYS", "30"))
# httpx logs every request at INFO: hundreds of thousands of lines per run. Results are in CheckResult.
LOGGING["loggers"].update({"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}})

# --- 等保 2.0 level 3 / 商用密码 (issue 31; decisions 0052, 0053, 0054; docs/compliance.md) ------------
# Sessions per role (roles: gb, l1, org, filer, site, ops; "default" for the rest): idle and absolute
# timeouts in minutes, e.g. SESSION_IDLE_MINUTES="ops=10,default=30".
def _per_role(name: str, default: str) -> dict[str, int]:
    return {key.strip(): int(value) for key, _, value in (item.partition("=") for item in env_list(name, default))}


SESSION_IDLE_MINUTES = _per_role("SESSION_IDLE_MINUTES", "ops=15,default=30")
SESSION_ABSOLUTE_MINUTES = _per_role("SESSION_ABSOLUTE_MINUTES", "ops=240,default=480")
MAX_CONCURRENT_SESSIONS = int(os.environ.get("MAX_CONCURRENT_SESSIONS", "2"))  # per login; the oldest is ended
# Passwords of org units and ops staff expire after this many days (0 = off); the last N are refused.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
PASSWORD_HISTORY = int(os.environ.get("PASSWORD_HISTORY", "5"))
AUTH_PASSWORD_VALIDATORS.append({"NAME": "accounts.password_policy.NotRecentlyUsedValidator"})
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "accounts.session_policy.SessionPolicyMiddleware")
# The journal's chain: partitions (concurrent writers on different partitions never wait for each other).
JOURNAL_CHAIN_PARTITIONS = int(os.environ.get("JOURNAL_CHAIN_PARTITIONS", "8"))
# Audit logs kept at least this many days (网络安全法 第二十一条: ≥ 180; less is refused, ops.E012);
# the daily verification mails a broken chain to AUDIT_NOTIFY_EMAILS as well as showing it in the admin.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))
AUDIT_NOTIFY_EMAILS = env_list("AUDIT_NOTIFY_EMAILS")
# With DEBUG off the superuser cannot use the ops admin (三员分立); only the test suite sets this.
OPS_ALLOW_SUPERUSER = False

# Proof of control (issue 28, docs/decisions/0058): the unit proves it holds what it registers.
INSTALLED_APPS += ["control"]
CONTROL_REVIEW_UNVERIFIED = env_bool("CONTROL_REVIEW_UNVERIFIED", True)   # review may approve before 已验证
CONTROL_VALID_DAYS = int(os.environ.get("CONTROL_VALID_DAYS", "365"))     # re-verification yearly
CONTROL_DNS_RESOLVER = os.environ.get("CONTROL_DNS_RESOLVER", "control.dns.DnspythonResolver")
CONTROL_CHECKS_PER_RUN = int(os.environ.get("CONTROL_CHECKS_PER_RUN", "5000"))  # proofs checked by one daily run
