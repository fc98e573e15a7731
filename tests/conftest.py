import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree, make_user

pytest_plugins = ["tests.servers",  # two_app_servers: two real gunicorn servers (tests/servers.py)
                  "tests.db_template",  # the workers' test databases copied from one migrated template
                  "tests.monitoring.fixtures",  # fixture_server, monitoring: the monitoring checks' local web
                  "tests.fast_flush"]  # the database emptied by DELETE after a transactional test

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Fixtures that start one shared thing per test process (a pair of gunicorn servers): every test
# that uses one goes to the same xdist worker (`--dist loadgroup`), so a run starts it once.
SHARED_PER_RUN = {"two_app_servers": "two_app_servers", "_app_server_pair": "two_app_servers"}


_SHARED_FILES: dict[str, str | None] = {}


def _shared_group(path: str) -> str | None:
    """The SHARED_PER_RUN group of a test file that names one of those fixtures, else None."""
    if path not in _SHARED_FILES:
        try:
            text = (Path(__file__).resolve().parents[1] / path).read_text(encoding="utf-8")
        except OSError:
            text = ""
        _SHARED_FILES[path] = next((group for name, group in SHARED_PER_RUN.items() if name in text), None)
    return _SHARED_FILES[path]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` with the shared servers' files as one group. (xdist's own loadgroup
    renames `item._nodeid`, which pytest 9 no longer reads: its groups never form.) Every other
    test is its own unit, as with `--dist load`."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedServersScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _shared_group(nodeid.split("::", 1)[0]) or nodeid

    return SharedServersScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    """Scale checks run in `make bench` only (selected with -m bench)."""
    selected = config.getoption("-m") or ""
    if "bench" in selected:
        return
    skip = pytest.mark.skip(reason="national-scale check: run with `make bench`")
    for item in items:
        if "bench" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (counts, rate limits)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    return make_small_tree()


@pytest.fixture
def users(tree):
    """One user per role, on the small tree: GB, two L1 units side by side, lower org units,
    a filer and a site login, ops staff."""
    from accounts.models import User

    return {
        "gb": make_org_user(tree["GB0000"]),
        "l1": make_org_user(tree["110000"]),
        "l1_other": make_org_user(tree["120000"]),
        "org": make_org_user(tree["110108"]),
        "org_other": make_org_user(tree["120101"]),
        "ministry": make_org_user(tree["bm2900"]),
        "filer": make_filer(tree["110108"], "海淀区上庄镇政府").user,
        "filer_other": make_filer(tree["120101"], "和平区教育局").user,
        "site": make_user("1201019999", User.Kind.SITE),
        "ops": make_user("ops", User.Kind.OPS, is_staff=True, is_superuser=True),
    }


@pytest.fixture
def chain(users, tree):
    """The manual's example units: 海淀区上庄镇政府 under 海淀区, 北京市商务局 under 北京市, a Tianjin
    filer beside them, and logins for 海淀区, 北京市, 天津市, 和平区 and GB."""
    hz = users["filer"]  # 海淀区上庄镇政府 (110108M001)
    commerce = make_filer(tree["110000"], "北京市商务局", 1).user
    yanyuan = make_filer(tree["110108"], "海淀区燕园街道办事处", 2).user
    return {
        **users,
        "shangzhuang": hz, "commerce": commerce, "yanyuan": yanyuan, "tianjin_filer": users["filer_other"],
        "haidian": users["org"], "beijing": users["l1"], "tianjin": users["l1_other"], "heping": users["org_other"],
        "chaoyang": make_org_user(tree["110105"]),
    }


@pytest.fixture
def login(client):
    """Log the test client in as `user` (no password round trip); ops staff also pass the
    admin's second factor (a verified TOTP device in the session)."""
    from tests.factories import verify_otp

    def _login(user):
        client.force_login(user)
        if user.is_staff:
            verify_otp(client, user)
        return client

    return _login


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the ops admin's second factor."""
    from tests.factories import verify_otp

    client.force_login(admin_user)
    verify_otp(client, admin_user)
    return client


@pytest.fixture
def password():
    return PASSWORD


requires_postgres = pytest.mark.skipif(
    bool(os.environ.get("GOVMEDIA_TEST_SQLITE")), reason="needs PostgreSQL (row locks, concurrency)"
)
