"""/healthz for load balancers: database, cache, storage and pending migrations; no login, no data.

Redis unreachable is not a failure of the app server (it serves from the database cache,
decision 0057): the answer is 200 with "status": "degraded" and "redis": "degraded", so a load
balancer keeps the server while an operator sees the state."""
import logging
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from govmedia.ops.cache import health as redis_health

logger = logging.getLogger("govmedia.health")


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 30)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value written")
    cache.delete(key)
    return "degraded" if redis_health() == "degraded" else "ok"


def _storage():
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        if not default_storage.exists(name):
            raise RuntimeError("storage lost the file written")
    finally:
        default_storage.delete(name)


def _migrations():
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("pending migrations")


CHECKS = {"database": _database, "cache": _cache, "storage": _storage, "migrations": _migrations}


@never_cache
@require_safe
def healthz(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check() or "ok"
        except Exception as exc:  # every failure is a 503 with the check's name, never a 500
            logger.error("healthz: %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "error"
            healthy = False
            if name == "database":  # the rest needs the database
                for rest in list(CHECKS)[1:]:
                    results[rest] = "skipped"
                break
    redis = redis_health()
    if redis != "none":
        results["redis"] = redis
    status = "error" if not healthy else ("degraded" if "degraded" in results.values() else "ok")
    if status == "degraded":
        logger.warning("healthz: degraded: %s", ", ".join(k for k, v in results.items() if v == "degraded"))
    return JsonResponse({"status": status, "checks": results}, status=200 if healthy else 503)
