"""/metrics in the Prometheus text format (issue 32, decision record 0057), for the ops networks
only (METRICS_ALLOWED_NETWORKS; any other address gets a 404).

Per process, summed over the workers of the app server through prometheus-client's multiprocess
mode (PROMETHEUS_MULTIPROC_DIR, set by gunicorn.conf.py): requests per view and status class,
their latency per view. Read from the database at each scrape (so every app server reports the
same shared figures): the job queue's depth and oldest ready task, failed and retried jobs, the
scheduler's lag, notification deliveries failed, database health and connections in use,
whether this database is the primary and its standbys' replication lag, the last backup's time;
and this server's view of Redis (up, or degraded to the database).

The alerts an operator sets on these are listed in docs/deploy.md (【监控指标与告警】).
"""
import ipaddress
import logging
import os
import time

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess  # the collector under gunicorn's multi-process mode
from prometheus_client.core import GaugeMetricFamily
from govmedia.ops.backup_age import BACKUP_KEY
from govmedia.ops.cache import health
from jobs.models import Job, ScheduledRun
from notifications.models import Delivery, Notification
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("govmedia.metrics")

REQUESTS = Counter("govmedia_requests_total", "HTTP requests answered, per view and status class",
                   ["view", "method", "status"])
LATENCY = Histogram("govmedia_request_duration_seconds", "Time to answer a request, per view", ["view"],
                    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))


def observe(request, status: int, seconds: float) -> None:
    """Called once per request by govmedia.ops.middleware."""
    match = getattr(request, "resolver_match", None)
    view = (match.view_name if match else "") or ("static" if request.path.startswith("/static/") else "unresolved")
    REQUESTS.labels(view, request.method if request.method in {"GET", "POST", "HEAD"} else "OTHER",
                    f"{status // 100}xx").inc()
    LATENCY.labels(view).observe(seconds)


def allowed(request) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    networks = getattr(settings, "METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def _gauge(name, documentation, value, labels=None):
    family = GaugeMetricFamily(name, documentation, labels=list(labels or {}))
    family.add_metric(list((labels or {}).values()), value)
    return family


def _scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


class SharedFigures:
    """Read at scrape time from the database (and this process's Redis state)."""

    def collect(self):
        started = time.perf_counter()
        try:
            _scalar("SELECT 1")
            up = 1
        except Exception as exc:  # noqa: BLE001 - a scrape reports the database down, never a 500
            logger.warning("metrics: database unreachable: %s", exc)
            up = 0
        yield _gauge("govmedia_database_up", "1 when the database answers", up)
        yield _gauge("govmedia_database_ping_seconds", "Time of a SELECT 1", time.perf_counter() - started)
        redis = health()
        if redis != "none":
            yield _gauge("govmedia_redis_up", "1 when Redis answers, 0 while the cache runs on the database",
                         1 if redis == "ok" else 0)
        if not up:
            return
        try:
            yield from self._from_database()
        except Exception as exc:  # noqa: BLE001
            logger.warning("metrics: could not read the shared figures: %s", exc)

    def _from_database(self):
        now = timezone.now()
        ready = DBTaskResult.objects.ready()
        yield _gauge("govmedia_queue_ready_tasks", "Tasks waiting for a worker", ready.count())
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        yield _gauge("govmedia_queue_oldest_ready_seconds", "Age of the oldest task waiting for a worker",
                     (now - oldest).total_seconds() if oldest else 0)
        yield _gauge("govmedia_queue_running_tasks", "Tasks being run", DBTaskResult.objects.filter(status="RUNNING")
                     .count())
        yield _gauge("govmedia_queue_failed_tasks", "Tasks failed (kept for the retention period)",
                     DBTaskResult.objects.filter(status="FAILED").count())
        jobs = GaugeMetricFamily("govmedia_jobs", "Export and import jobs by status", labels=["status"])
        for status in Job.Status.values:
            jobs.add_metric([status], Job.objects.filter(status=status).count())
        yield jobs
        yield _gauge("govmedia_jobs_retried", "Jobs run more than once (a worker died or lost its lease)",
                     Job.objects.filter(attempts__gt=1).count())
        last_tick = ScheduledRun.objects.order_by("-enqueued_at").values_list("enqueued_at", flat=True).first()
        yield _gauge("govmedia_scheduler_last_run_age_seconds", "Seconds since the scheduler last started an entry",
                     (now - last_tick).total_seconds() if last_tick else -1)
        pending = (ScheduledRun.objects.filter(started_at__isnull=True).order_by("enqueued_at")
                   .values_list("enqueued_at", flat=True).first())
        yield _gauge("govmedia_scheduler_oldest_unstarted_seconds", "Age of the oldest scheduled run not started",
                     (now - pending).total_seconds() if pending else 0)
        failed = GaugeMetricFamily("govmedia_notifications_failed", "Notifications whose delivery failed",
                                   labels=["channel"])
        failed.add_metric(["sms"], Notification.objects.filter(sms_state=Delivery.FAILED).count())
        failed.add_metric(["email"], Notification.objects.filter(email_state=Delivery.FAILED).count())
        yield failed
        backup = _scalar("SELECT value FROM ops_counter WHERE key = %s", [BACKUP_KEY])
        yield _gauge("govmedia_backup_last_success_timestamp_seconds", "Unix time of the last `manage.py backup`",
                     backup or 0)
        if connection.vendor == "postgresql":
            yield from self._postgres()

    def _postgres(self):
        in_use = _scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        limit = _scalar("SELECT setting::int FROM pg_settings WHERE name = 'max_connections'")
        yield _gauge("govmedia_database_connections", "Connections to this database (all app servers, workers)",
                     in_use)
        yield _gauge("govmedia_database_max_connections", "The server's max_connections", limit)
        standby = _scalar("SELECT pg_is_in_recovery()")
        yield _gauge("govmedia_database_is_primary", "1 on the primary, 0 on a standby", 0 if standby else 1)
        if standby:
            lag = _scalar("SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)")
            yield _gauge("govmedia_replication_lag_seconds", "Replay lag of this standby", float(lag or 0))
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT application_name, sync_state, coalesce(extract(epoch FROM replay_lag), 0), "
                           "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication")
            rows = cursor.fetchall()
        yield _gauge("govmedia_replication_standbys", "Standbys streaming from this primary", len(rows))
        lag = GaugeMetricFamily("govmedia_replication_lag_seconds", "Replay lag per standby (seconds)",
                                labels=["standby", "sync_state"])
        lag_bytes = GaugeMetricFamily("govmedia_replication_lag_bytes", "WAL not yet replayed per standby",
                                      labels=["standby", "sync_state"])
        for name, sync_state, seconds, behind in rows:
            lag.add_metric([name, sync_state], float(seconds or 0))
            lag_bytes.add_metric([name, sync_state], float(behind or 0))
        yield lag
        yield lag_bytes


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scrape)
    else:
        for collector in (REQUESTS, LATENCY):
            scrape.register(_Forward(REGISTRY, collector))
    scrape.register(SharedFigures())
    return scrape


class _Forward:
    """One metric of this process's default registry in the scrape's registry."""

    def __init__(self, source, metric):
        self.metric = metric

    def collect(self):
        return self.metric.collect()


@never_cache
@require_safe
def metrics(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
