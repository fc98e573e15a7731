"""manage.py backup → manage.py restore into an empty PostgreSQL database: logins, list counts,
codes continuing, document bytes; a restore with another key is refused."""
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile

import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from accounts.filer_services import create_filer_unit
from accounts_media.models import MediaAccount
from govmedia.filestore.backup import BackupError, _copy_dump, key_fingerprint, read_manifest
from reports.models import SpotCheckReport
from tests.accounts_media.conftest import normal_account
from tests.conftest import requires_postgres
from tests.reports.test_document_storage import docx

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def total(client, url, **params):
    return int(re.search(r"共 (\d+) 条", client.get(url, params).content.decode()).group(1))


@pytest.fixture
def empty_database():
    """make(suffix) → a new, empty database on the test server (its URL and a connect()); all
    dropped afterwards."""
    db = connection.settings_dict
    conninfo = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
                "password": db["PASSWORD"] or None}
    admin = psycopg2.connect(dbname="postgres", **conninfo)
    admin.autocommit = True
    made = []

    def make(suffix):
        name = f"{db['NAME']}_{suffix}"
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        url = (f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@"
               f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}")
        return url, lambda: psycopg2.connect(dbname=name, **conninfo)

    yield make
    with admin.cursor() as cursor:
        for name in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(database_url, *args, **env):
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "govmedia.settings_test",
                   "SECRET_KEY": settings.SECRET_KEY, **env}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=300)


def table_count(connect) -> int:
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0]


def test_backup_restores_into_an_empty_database(client, chain, login, tree, tmp_path, empty_database):
    # Data of each kind: filer units (one with a never-changed initial password), accounts with
    # media codes, a report with its document.
    create_filer_unit(chain["beijing"], tree["110108"], "海淀区教育委员会")  # 110108M003
    accounts = [normal_account(chain, name=f"上庄发布{i}", account_type="WB", wechat_kind="",
                               url=f"https://weibo.com/u/10000000{i}", platform_id=f"10000000{i}") for i in range(3)]
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 3})
    report = SpotCheckReport.objects.get()
    document = docx("第三季度报告", pad=3 * 1024 * 1024)  # several storage chunks
    client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("报告.docx", document)})
    filer_units_total = total(client, "/filer-units/")
    login(chain["shangzhuang"])
    media_total = total(client, "/media/")
    assert (filer_units_total, media_total) == (4, 3)

    out = io.StringIO()
    archive = tmp_path / "govmedia.tar"
    call_command("backup", output=str(archive), stdout=out)
    assert "备份完成" in out.getvalue() and "备份中不含密钥" in out.getvalue()
    manifest = read_manifest(archive)
    assert manifest["key_fingerprints"]["SECRET_KEY"] == key_fingerprint(settings.SECRET_KEY)
    assert manifest["counts"]["存储文件"] == 1 and manifest["counts"]["新媒体账号"] == 3
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["database.dump", "manifest.json"]
        assert settings.SECRET_KEY not in tar.extractfile("manifest.json").read().decode()

    # Another key: refused with the consequences named, before anything is written.
    with override_settings(SECRET_KEY="another-secret-key-" + "x" * 40, INITIAL_PASSWORD_KEY="another-key"):
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(archive))
    assert "密钥与备份时不同：SECRET_KEY、INITIAL_PASSWORD_KEY" in str(refused.value)
    assert "--allow-key-change" in str(refused.value)
    # A database that is not empty (this one): refused, nothing overwritten.
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(archive))
    assert MediaAccount.objects.count() == 3

    url, connect = empty_database("restored")
    restored = manage(url, "manage.py", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "恢复完成" in restored.stdout and "存储文件 1" in restored.stdout
    assert table_count(connect) > 20

    check = manage(url, "-m", "tests.filestore.restored_check", str(report.pk))
    assert check.returncode == 0, check.stderr
    seen = json.loads(check.stdout.strip().splitlines()[-1])
    assert (seen["login_org"], seen["login_filer"]) == (302, 302)
    assert (seen["filer_units_total"], seen["media_total"]) == (filer_units_total, media_total)
    assert seen["document_status"] == 200 and seen["document_sha256"] == hashlib.sha256(document).hexdigest()
    assert seen["initial_password_shown"]
    assert seen["new_filer_code"] == "110108M004"
    codes_before = {a.media_code for a in accounts}
    assert seen["new_media_code"] not in codes_before
    assert len(seen["media_codes"]) == len(set(seen["media_codes"])) == 4
    # The original database is untouched by all this.
    assert MediaAccount.objects.count() == 3

    # An intended key change: restored with a warning; the initial passwords are then named
    # as undecryptable (not “已修改”), and logins still work.
    other_key = {"SECRET_KEY": "another-secret-key-" + "x" * 40}
    url, connect = empty_database("rekeyed")
    rekeyed = manage(url, "manage.py", "restore", str(archive), "--allow-key-change", **other_key)
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert "警告：密钥与备份时不同" in rekeyed.stderr and "无法解密" in rekeyed.stderr
    check = manage(url, "-m", "tests.filestore.restored_check", str(report.pk), **other_key)
    assert check.returncode == 0, check.stderr
    seen = json.loads(check.stdout.strip().splitlines()[-1])
    assert (seen["login_org"], seen["login_filer"]) == (302, 302)
    assert seen["initial_password_shown"] is False


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    bogus = tmp_path / "not-a-backup.tar"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="不是有效的 govmedia 备份文件"):
        call_command("restore", str(bogus))


def _archive_with(path, members):
    with tarfile.open(path, "w") as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def test_the_dump_is_read_as_plain_bytes_whatever_the_archive_names(tmp_path):
    """restore copies the dump member's bytes to a name of its own: a member named to climb out of
    the work folder lands inside it, a link or a missing member is refused (on every 3.11 patch
    release: TarFile.extract's filter= is 3.11.4+, Debian 12 runs 3.11.2)."""
    climbing = tarfile.TarInfo("../../outside.dump")
    climbing.size = 4
    archive = _archive_with(tmp_path / "a.tar", [(climbing, b"PGDM")])
    work = tmp_path / "work"
    work.mkdir()
    copied = _copy_dump(archive, "../../outside.dump", work / "database.dump")
    assert copied.read_bytes() == b"PGDM" and not (tmp_path.parent / "outside.dump").exists()

    link = tarfile.TarInfo("database.dump")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = _archive_with(tmp_path / "b.tar", [(link, None)])
    with pytest.raises(BackupError, match="不是普通文件"):
        _copy_dump(archive, "database.dump", work / "database.dump")
    with pytest.raises(BackupError, match="缺少数据库转储"):
        _copy_dump(archive, "other.dump", work / "database.dump")
