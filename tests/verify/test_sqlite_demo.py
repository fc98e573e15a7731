"""`make demo` runs on SQLite with embedded defaults. The demo database migrates (the trigram indexes
and the stored name key are PostgreSQL-only), searches by icontains, publishes its open data
(accountability figures included) and takes a 举报; and a day of work runs on it — review chain,
发起检查 as a job, a sheet filled, submitted and accepted, every scheduled entry — with every page
that needs no id opened by each role (tests/demo_walk.py). Migrated once, copied per test."""
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.xdist_group("sqlite_demo")  # one worker migrates once for both tests


def _env(database) -> dict:
    return {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "govmedia.settings", "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}",
            "MEDIA_ROOT": str(database.parent / "media"), "ALLOWED_HOSTS": "testserver,localhost"}


def _run(args: list[str], database) -> str:
    result = subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=_env(database),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    database = tmp_path_factory.mktemp("demo") / "migrated.sqlite3"
    _run(["manage.py", "migrate", "--noinput", "-v0"], database)
    return database


@pytest.fixture
def demo_db(migrated, tmp_path):
    database = tmp_path / "demo.sqlite3"
    shutil.copyfile(migrated, database)
    return database


def test_the_demo_database_answers_on_sqlite(demo_db):
    script = ("from verify import selectors, services, imitation; from tests.factories import make_small_tree; "
              "make_small_tree(); "
              "services.publish_open_data(); imitation.report('https://weibo.com/u/7777777777', '平安北京'); "
              "print(imitation.public_counts()['total'], services.latest_day() is not None, "
              "selectors.search_accounts('平安北京').answer, selectors.search_accounts('北京發佈').answer, "
              "selectors.changes()['items'], selectors.verify_link('https://weibo.com/u/2265830070').answer)")
    out = _run(["manage.py", "shell", "-c", script], demo_db)
    assert out.strip().endswith("1 True not_registered not_registered [] not_registered")


def test_a_day_of_work_and_every_page_on_sqlite(demo_db):
    out = _run(["-m", "tests.demo_walk"], demo_db)
    last = out.strip().splitlines()[-1]
    assert last.startswith("demo walk: ") and last.endswith(" pages, 0 failed"), out[-4000:]
    assert int(last.split()[2]) >= 100  # every role's pages, not a walk that found nothing
