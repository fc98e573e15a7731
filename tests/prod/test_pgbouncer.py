"""The production topology's connection pooler (docs/deploy.md, docs/decisions/0040): Django through
Debian's PgBouncer in transaction pooling mode, with DISABLE_SERVER_SIDE_CURSORS, reads and writes
and streams an export's rows (`.iterator()`), on the test database."""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.accounts_media.conftest import normal_account
from tests.servers import ROOT, database_url, start_on_free_port, stop

pytestmark = pytest.mark.django_db(transaction=True)

CODE = """
from django.db import connection
from accounts_media.models import MediaAccount
print(connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"])
print(sum(1 for _ in MediaAccount.objects.values_list("id", flat=True).iterator(chunk_size=2)))
MediaAccount.objects.filter(name="经连接池").update(operator="经连接池写入")
"""


@pytest.fixture
def pgbouncer():
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is not installed: .ci/run installs it")
        pytest.skip("pgbouncer is not installed")
    from django.db import connection

    settings = connection.settings_dict
    home = Path(tempfile.mkdtemp(prefix="govmedia-pgbouncer-"))
    user = settings.get("USER") or "postgres"
    (home / "userlist.txt").write_text(f'"{user}" "{settings.get("PASSWORD") or ""}"\n')
    log = home / "pgbouncer.log"
    log.touch()
    as_root = os.getuid() == 0  # PgBouncer refuses to run as root: then as postgres

    def start(port):
        (home / "pgbouncer.ini").write_text(
            f"[databases]\n{settings['NAME']} = host={settings.get('HOST') or '127.0.0.1'} port={settings.get('PORT') or 5432}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = {'md5' if settings.get('PASSWORD') else 'trust'}\nauth_file = {home / 'userlist.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = 2\nignore_startup_parameters = extra_float_digits,options\n"
            f"server_reset_query =\nlogfile = {log}\n")
        if as_root:
            shutil.chown(home, "postgres")
            for path in home.iterdir():
                shutil.chown(path, "postgres")
        command = ([shutil.which("runuser"), "-u", "postgres", "--"] if as_root else []) + [binary, str(home / "pgbouncer.ini")]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    process, port = start_on_free_port(start, log, 20)
    url = database_url({**settings, "PORT": port})
    yield url
    stop(process)
    shutil.rmtree(home, ignore_errors=True)


def test_django_works_through_pgbouncer_in_transaction_pooling_without_server_side_cursors(pgbouncer, chain):
    for i in range(5):
        normal_account(chain, name="经连接池" if i == 0 else f"池{i}", account_type="WB", wechat_kind="",
                       url=f"https://weibo.com/u/{7100 + i}", platform_id=str(7100 + i))
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DATABASE_URL": pgbouncer, "DISABLE_SERVER_SIDE_CURSORS": "1",
                "DJANGO_SETTINGS_MODULE": "govmedia.settings_test"})
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", CODE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split() == ["True", "5"]
    from accounts_media.models import MediaAccount

    assert MediaAccount.objects.get(name="经连接池").operator == "经连接池写入"
