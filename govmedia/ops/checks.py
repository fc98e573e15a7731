"""Refusals with DEBUG off: no SECRET_KEY, the console SMS backend, a cache of one process; the
monitoring host gate: refused when "shared" has no Redis, a deploy warning when it is per process.

They are system checks (`manage.py check`, `migrate`, `runserver`); `production_refusals` runs again
when the WSGI application loads (govmedia/wsgi.py), so gunicorn refuses to start as well."""
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from govmedia.fetch import conf
from govmedia.fetch.gates import gate_mode

CONSOLE_SMS = {"accounts.sms.ConsoleBackend"}
TEST_SMS = {"accounts.sms.LocmemBackend", "accounts.sms.FileBackend"}
PROCESS_LOCAL_CACHES = {"django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"}


def _secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses an empty SECRET_KEY on access
        return True


@checks.register(checks.Tags.security)
def production_refusals(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if _secret_key_missing():
        errors.append(checks.Error(
            f"No SECRET_KEY: set the SECRET_KEY variable or create {settings.SECRET_KEY_FILE} once with "
            "`manage.py create_secret_key` and copy it to every app server.", id="ops.E001"))
    if settings.SMS_BACKEND in CONSOLE_SMS:
        errors.append(checks.Error(
            "SMS_BACKEND is the console backend, which writes verification codes to the log: "
            "set SMS_BACKEND to the SMS gateway's backend (on a developer's machine, run with DEBUG=1).",
            id="ops.E002"))
    elif settings.SMS_BACKEND in TEST_SMS and not settings.SMS_ALLOW_TEST_BACKEND:
        errors.append(checks.Error(
            f"SMS_BACKEND {settings.SMS_BACKEND} sends nothing (a test outbox): set the SMS gateway's backend.",
            id="ops.E003"))
    backends = {alias: conf.get("BACKEND") for alias, conf in settings.CACHES.items()}
    local = [alias for alias, backend in backends.items() if backend in PROCESS_LOCAL_CACHES]
    if local and not settings.ALLOW_PROCESS_LOCAL_CACHE:
        errors.append(checks.Error(
            f"Cache {', '.join(local)} lives in one process: counts, rate limits and menu labels would differ "
            "between app servers. Set REDIS_URL or keep the database cache.", id="ops.E004"))
    return errors


def refuse_unsafe_start() -> None:
    """Raise ImproperlyConfigured when a production refusal applies (called by govmedia.wsgi)."""
    errors = production_refusals()
    if errors:
        raise ImproperlyConfigured("govmedia refuses to start: " + " | ".join(f"{e.id}: {e.msg}" for e in errors))


@checks.register(checks.Tags.security)
def monitoring_gate_refusal(app_configs=None, **kwargs):
    """MONITORING_HOST_GATE=shared (or a value that is none of auto/shared/local) without what it needs."""
    try:
        gate_mode()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="ops.E005")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def monitoring_gate_warning(app_configs=None, **kwargs):
    """With DEBUG off and monitoring on, "auto" without Redis leaves each worker its own per-host gate:
    N queue workers would send N × MONITORING_PER_HOST requests to one host (decision 0034)."""
    if settings.DEBUG or not conf.get("MONITORING_ENABLED"):
        return []
    try:
        mode, chosen = gate_mode(), (conf.get("MONITORING_HOST_GATE") or "auto").strip().lower()
    except ImproperlyConfigured:
        return []  # ops.E005 says it
    if mode == "local" and chosen == "auto":
        return [checks.Warning(
            "Monitoring is on but its per-host politeness gate is per process (no Redis): several queue workers "
            "would each send MONITORING_PER_HOST requests to the same host at once.",
            hint="Set REDIS_URL so that every worker shares one gate, or MONITORING_HOST_GATE=local when a single "
                 "worker process runs the checks (docs/deploy.md).", id="ops.W001")]
    return []
