"""Issue 32: a backup taken while people work restores, with the counts of its own snapshot; a
restore that fails is rolled back whole and can simply be run again; `migrate` always runs."""
import threading
import time

import psycopg2
import pytest
from django.db import connection

from govmedia.filestore.backup import make_backup, read_manifest
from tests.conftest import requires_postgres
from tests.filestore.test_backup import empty_database, manage  # noqa: F401  (the fixture)

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def conninfo(name=None):
    db = connection.settings_dict
    return {"dbname": name or db["NAME"], "host": db["HOST"] or None, "port": db["PORT"] or None,
            "user": db["USER"] or None, "password": db["PASSWORD"] or None}


class Writer(threading.Thread):
    """A journal row and a counter committed together, one pair per transaction, until stopped: any
    one snapshot holds as many of each."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop, self.written = threading.Event(), 0

    def run(self):
        conn = psycopg2.connect(**conninfo())
        with conn.cursor() as cursor:
            while not self.stop.is_set():
                cursor.execute("INSERT INTO reviews_journalentry (subject_type, subject_id, at, actor_unit_code, "
                               "actor_unit_name, person_name, person_phone, action, action_label, status_before, "
                               "status_after, result, reason, changes, data, position) VALUES ('user', %s, now(), '', "
                               "'', '', '', 'login', '登录', '', '', '', '', '[]', '{}', '')", [self.written])
                cursor.execute("INSERT INTO ops_counter (key, value) VALUES (%s, 1)", [f"load:{self.written}"])
                conn.commit()
                self.written += 1
        conn.close()


def counts_and_checksum(name):
    from govmedia.filestore.backup import snapshot_figures

    with psycopg2.connect(**conninfo(name)) as conn, conn.cursor() as cursor:
        figures = snapshot_figures(cursor)
    figures["table_counts"].pop("govmedia_restored_backup", None)
    return figures


def test_a_backup_under_writes_restores_with_its_snapshot_counts(tmp_path, empty_database):  # noqa: F811
    writer = Writer()
    writer.start()
    while writer.written < 20:  # writes are under way before the backup starts
        time.sleep(0.01)
    archive = tmp_path / "under-load.tar"
    manifest = make_backup(archive)
    during = writer.written
    while writer.written < during + 20:  # … and go on after it
        time.sleep(0.01)
    writer.stop.set()
    writer.join(30)

    manifest = read_manifest(archive)
    assert manifest["snapshot"] and manifest["journal_checksum"].startswith(f"{manifest['counts']['流水']}:")
    assert 20 <= manifest["table_counts"]["reviews_journalentry"] == manifest["counts"]["流水"] < writer.written
    assert manifest["table_counts"]["ops_counter"] == manifest["table_counts"]["reviews_journalentry"]

    url, _ = empty_database("under_load")
    restored = manage(url, "manage.py", "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "已执行 migrate" in restored.stdout
    figures = counts_and_checksum(url.rsplit("/", 1)[1])
    assert figures == {"table_counts": manifest["table_counts"], "journal_checksum": manifest["journal_checksum"]}


def test_a_failed_restore_is_rolled_back_and_can_be_rerun(tmp_path, empty_database):  # noqa: F811
    archive = tmp_path / "plain.tar"
    make_backup(archive)
    manifest = read_manifest(archive)
    url, connect = empty_database("rerun")
    # Something in the way of the load (not a table: the target still counts as empty).
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE public.reviews_journalentry_id_seq")
    failed = manage(url, "manage.py", "restore", str(archive))
    assert failed.returncode != 0
    assert "已整体回滚" in failed.stderr and "可直接重新执行" in failed.stderr
    with connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0  # nothing half-loaded
        cursor.execute("DROP SEQUENCE public.reviews_journalentry_id_seq")  # the operator removes the cause

    rerun = manage(url, "manage.py", "restore", str(archive))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "已执行 migrate" in rerun.stdout
    assert counts_and_checksum(url.rsplit("/", 1)[1])["table_counts"] == manifest["table_counts"]
    # Stopped after the load (before migrate)? Running it again finishes the job instead of refusing.
    again = manage(url, "manage.py", "restore", str(archive))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "已由同一备份恢复" in again.stdout and "已执行 migrate" in again.stdout
    # Another backup into that database is still refused: a restore never overwrites data.
    other = tmp_path / "other.tar"
    make_backup(other)
    refused = manage(url, "manage.py", "restore", str(other))
    assert refused.returncode != 0 and "不是空的" in refused.stderr
