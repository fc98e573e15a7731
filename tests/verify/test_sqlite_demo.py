"""The SQLite demo migrates (the trigram indexes and the stored name key are PostgreSQL-only), searches by
icontains, publishes its open data (accountability figures included) and takes a 举报."""
import os
import subprocess
import sys

from django.conf import settings


def test_the_demo_database_migrates_and_answers_on_sqlite(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
           "DJANGO_SETTINGS_MODULE": "govmedia.settings", "DEBUG": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}
    script = ("from verify import selectors, services, imitation; from tests.factories import make_small_tree; "
              "make_small_tree(); "
              "services.publish_open_data(); imitation.report('https://weibo.com/u/7777777777', '平安北京'); "
              "print(imitation.public_counts()['total'], services.latest_day() is not None, "
              "selectors.search_accounts('平安北京').answer, selectors.search_accounts('北京發佈').answer, "
              "selectors.changes()['items'], selectors.verify_link('https://weibo.com/u/2265830070').answer)")
    for args in (["migrate", "--noinput", "-v0"], ["shell", "-c", script]):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("1 True not_registered not_registered [] not_registered")
