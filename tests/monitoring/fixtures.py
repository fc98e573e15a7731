"""The monitoring fixture server as a pytest plugin (tests/conftest.py loads it): the monitoring
tests and the browser journeys share one server per session."""
import pytest

from tests.monitoring.fixture_server import FixtureServer


@pytest.fixture(scope="session")
def fixture_server(tmp_path_factory):
    """One fixture server (HTTP, HTTPS, HTTPS with an expired certificate) for the whole session."""
    server = FixtureServer(tmp_path_factory.mktemp("monitor-certs"))
    yield server
    server.close()


@pytest.fixture
def monitoring(settings, fixture_server):
    """Monitoring settings for the suite: the throwaway CA trusted, short timeouts, no politeness
    delay, the platform readers pointed at the fixture server, the per-process gate."""
    from monitoring.indicators import seed

    try:  # a transactional test before this one flushed the database, and the seeded indicators with it
        seed()
    except RuntimeError:
        pass  # a test without database access: nothing to seed
    settings.MONITORING_ENABLED = True
    # The fixture server is on 127.0.0.1: reached through the guard's allow-list, as an intranet
    # deployment reaches its own portal (0043); every other inside address stays refused.
    settings.MONITORING_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    # The suite's checks open a finding at the first failure (production confirms it over two runs,
    # test_never_cry_wolf.py); the Internet probe is the fixture server.
    settings.MONITORING_CONFIRM_RUNS = 1
    settings.MONITORING_PROBE_URLS = [fixture_server.url("/ok")]
    # The inspection indicators' content checks are the business of test_indicators.py (which
    # switches them on); elsewhere a homepage without dates would add findings to every test.
    from monitoring.models import CONTENT_KINDS

    settings.MONITORING_CHECKS = {kind: False for kind in CONTENT_KINDS}
    settings.MONITORING_CA_BUNDLE = str(fixture_server.certs["ca"])
    settings.MONITORING_TIMEOUT = 1.0
    settings.MONITORING_POLITENESS_DELAY = 0.0
    settings.MONITORING_PER_HOST = 4
    settings.MONITORING_CONCURRENCY = 4
    settings.MONITORING_PLATFORM_ENDPOINTS = {"WB": fixture_server.url("/weibo"), "BL": fixture_server.url("/bili")}
    # The in-process gate whatever REDIS_URL the environment has (the shared one: test_shared_gate.py).
    settings.MONITORING_HOST_GATE, settings.REDIS_URL = "auto", ""
    fixture_server.pages.clear()
    return fixture_server
