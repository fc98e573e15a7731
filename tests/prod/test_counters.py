"""govmedia.ops.counters on the database cache: atomic across connections, windows expire."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from govmedia.ops import counters
from govmedia.ops.models import Counter
from tests.conftest import requires_postgres

DB_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govmedia_cache"}}


@pytest.fixture
def database_cache(settings):
    settings.CACHES = DB_CACHE
    call_command("createcachetable")
    assert counters.locks_rows()


def test_increments_count_from_one_and_a_window_restarts_once_expired(db, database_cache):
    assert counters.get("rate:x") == 0
    assert [counters.incr("rate:x", 3600) for _ in range(3)] == [1, 2, 3]
    assert counters.get("rate:x") == 3
    Counter.objects.filter(key="rate:x").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert counters.get("rate:x") == 0
    assert counters.incr("rate:x", 3600) == 1
    assert Counter.objects.get(key="rate:x").expires_at > timezone.now() + timedelta(seconds=3500)
    assert counters.incr("generation") == 1 and Counter.objects.get(key="generation").expires_at is None


@requires_postgres
def test_concurrent_increments_from_many_connections_are_never_lost(transactional_db, database_cache):
    def work(_):
        try:
            return [counters.incr("rate:many", 3600) for _ in range(25)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = [value for values in pool.map(work, range(8)) for value in values]
    assert sorted(seen) == list(range(1, 201))
    assert counters.get("rate:many") == 200
    assert connection.vendor == "postgresql"


def test_the_tab_generation_is_bumped_at_commit_only_with_row_locks(db, database_cache, django_capture_on_commit_callbacks):
    from accounts_media.counts import bump_generation, generation

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        bump_generation()
        assert generation() == before  # no row lock held for the rest of the transaction
    assert generation() == before + 1
