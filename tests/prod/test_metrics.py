"""Issue 32: /metrics (Prometheus text) for the ops networks only; request counts and latency per
view; queue depth and age, jobs failed and retried, scheduler lag, notification failures, backup
time, database figures; a failed request shows in the 5xx count."""
import re

import pytest
from django.test import override_settings

from jobs.models import Job

pytestmark = pytest.mark.django_db


def samples(text: str, name: str) -> list[tuple[dict, float]]:
    found = []
    for labels, number in re.findall(rf"^{re.escape(name)}(?:\{{([^}}]*)\}})? (\S+)$", text, re.M):
        found.append((dict(re.findall(r'(\w+)="([^"]*)"', labels)), float(number)))
    return found


def value(text: str, name: str, **labels) -> float:
    matching = [number for got, number in samples(text, name) if labels.items() <= got.items()]
    assert matching, f"{name} {labels} not in the scrape"
    return matching[0]


def value_or_zero(text: str, name: str, **labels) -> float:
    return next((number for got, number in samples(text, name) if labels.items() <= got.items()), 0)


def test_metrics_answer_the_ops_networks_only(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    with override_settings(METRICS_ALLOWED_NETWORKS=["10.20.0.0/16"]):
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200


def test_the_scrape_shows_requests_queue_and_database(client, users, django_capture_on_commit_callbacks):
    from jobs.tasks import run_job

    before = client.get("/metrics").content.decode()
    served = value_or_zero(before, "govmedia_requests_total", view="accounts:login", status="2xx")
    client.get("/")
    job = Job.objects.create(kind=Job.Kind.EXPORT, title="导出", requested_by=users["gb"], scope="GB0000", params={},
                             attempts=2, status=Job.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        run_job.enqueue(job.pk)  # waits in the queue (no worker in this test)
    text = client.get("/metrics").content.decode()
    assert text.count("# TYPE govmedia_requests_total counter") == 1
    # ≥ 1, not served + 1: other processes of a parallel run share the metrics directory and may be
    # gone (their files removed) between the two scrapes.
    assert served >= 0 and value(text, "govmedia_requests_total", view="accounts:login", method="GET", status="2xx") >= 1
    assert value(text, "govmedia_request_duration_seconds_count", view="accounts:login") >= 1
    assert value(text, "govmedia_queue_ready_tasks") == 1 and value(text, "govmedia_queue_oldest_ready_seconds") >= 0
    assert value(text, "govmedia_jobs", status="failed") == 1 and value(text, "govmedia_jobs_retried") == 1
    assert value(text, "govmedia_database_up") == 1 and value(text, "govmedia_database_is_primary") == 1
    assert value(text, "govmedia_database_connections") >= 1
    assert value(text, "govmedia_notifications_failed", channel="sms") == 0
    assert value(text, "govmedia_scheduler_last_run_age_seconds") == -1  # the scheduler never ran here
    assert value(text, "govmedia_replication_standbys") == 0


def test_a_failing_answer_counts_as_5xx(client, monkeypatch):
    import govmedia.ops.views as ops_views

    def down():
        raise RuntimeError("injected")

    before = client.get("/metrics").content.decode()
    failed = value_or_zero(before, "govmedia_requests_total", view="healthz", status="5xx")
    monkeypatch.setattr(ops_views, "CHECKS", {"database": down})
    assert client.get("/healthz").status_code == 503
    text = client.get("/metrics").content.decode()
    assert value(text, "govmedia_requests_total", view="healthz", method="GET", status="5xx") == failed + 1
