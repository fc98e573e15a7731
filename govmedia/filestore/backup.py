"""Backup and restore of a govmedia installation (decision record 0009).

A backup is one .tar file:
- manifest.json — when, from which database engine, the applied migrations, row counts (the
  labelled ones, and every table's), a checksum of the journal, and a fingerprint of SECRET_KEY
  and of INITIAL_PASSWORD_KEY (an HMAC: the keys themselves are never written into a backup);
  a dict that later versions may extend (readers ignore keys they do not know);
- database.dump — `pg_dump --format=custom` (PostgreSQL), or database.sqlite3 (the demo).

On PostgreSQL the manifest's figures are read inside the dump's own snapshot: a REPEATABLE READ
transaction exports its snapshot (`pg_export_snapshot()`), counts in it, and `pg_dump --snapshot`
dumps exactly that state while people keep working (decision record 0055). A restore loads the
dump and checks every count and the journal checksum *inside one transaction* (pg_restore's
script through `psql --single-transaction`): a mismatch or any error rolls everything back, the
target stays empty and the restore can simply be run again.

The stored files are in the database (decision record 0008), so the dump holds them, taken at
the same instant as the rows that name them. The keys are not in the backup: they are kept
apart (a key next to the data it protects protects nothing); restore compares fingerprints
and refuses a mismatch unless told that the key change is intended.
"""
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.apps import apps
from govmedia.common import gm
from govmedia.ops import keys
from govmedia.ops.backup_age import record_backup

FORMAT = 1
MANIFEST = "manifest.json"
KEYS = ("SECRET_KEY", "INITIAL_PASSWORD_KEY")
# What the counts in the manifest cover: checked after a restore.
COUNTED = {
    "用户": "accounts.User",
    "填报单位": "orgtree.FilerUnit",
    "组织单位": "orgtree.OrgUnit",
    "新媒体账号": "accounts_media.MediaAccount",
    "政府网站": "websites.Website",
    "流水": "reviews.JournalEntry",
    "存储文件": "filestore.StoredFile",
}


class BackupError(Exception):
    """Refused or failed; `message` says why in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def key_fingerprint(key: str) -> str:
    """A short, non-reversible fingerprint of a key: equal keys give equal fingerprints."""
    return hmac.new(key.encode(), b"govmedia key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def current_fingerprints() -> dict[str, str]:
    return {name: key_fingerprint(getattr(settings, name)) for name in KEYS}


def row_counts(using: str = "default") -> dict[str, int]:
    return {label: apps.get_model(model).objects.using(using).count() for label, model in COUNTED.items()}


JOURNAL_TABLE = "reviews_journalentry"
# An order-independent checksum of the journal that streams (no string of the whole table is
# built): the sum of the first 60 bits of each row's md5, in UTC so the text of times is stable.
JOURNAL_CHECKSUM_SQL = ("SELECT count(*)::text || ':' || coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)"
                        "::bigint), 0)::text FROM public.{table} AS t")


def table_counts(cursor) -> dict[str, int]:
    """Rows of every table of the public schema (PostgreSQL), read on `cursor`'s snapshot."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM public."{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def journal_checksum(cursor) -> str:
    """"rows:sum" over the journal's rows (PostgreSQL); equal journals give equal checksums."""
    cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    cursor.execute(JOURNAL_CHECKSUM_SQL.format(table=JOURNAL_TABLE))
    return cursor.fetchone()[0]


def snapshot_figures(cursor) -> dict:
    """Counts per table and the journal checksum, as a restore compares them."""
    return {"table_counts": table_counts(cursor), "journal_checksum": journal_checksum(cursor)}


def applied_migrations(using: str = "default") -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: PG_BIN_DIR, else PATH, else the newest /usr/lib/postgresql/*/bin."""
    folder = getattr(settings, "PG_BIN_DIR", "")
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端，或设置 PG_BIN_DIR。")


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    if (db.get("OPTIONS") or {}).get("target_session_attrs"):  # a multi-host DATABASE_URL: the primary
        env["PGTARGETSESSIONATTRS"] = db["OPTIONS"]["target_session_attrs"]
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what}失败：{(result.stderr or result.stdout).strip()[-2000:]}")


# --- backup -------------------------------------------------------------------------------------

def make_backup(output: Path, using: str = "default") -> dict:
    """Write the backup to `output` (a .tar; written beside it first, then renamed); its manifest."""
    connection = connections[using]
    db = connection.settings_dict
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        work = Path(work)
        if connection.vendor == "postgresql":
            dump = work / "database.dump"
            figures = _dump_in_one_snapshot(connection, dump, using)
        elif connection.vendor == "sqlite":
            dump = work / "database.sqlite3"
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
            figures = {"migrations": applied_migrations(using), "counts": row_counts(using)}
        else:
            raise BackupError(f"不支持的数据库：{connection.vendor}")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(),
            "database": connection.vendor,
            "dump": dump.name,
            "dump_bytes": dump.stat().st_size,
            "dump_sha256": _sha256(dump),
            **figures,
            "key_fingerprints": current_fingerprints(),
            "data_keys": data_key_manifest(),  # the SM4 key ids the data uses (decision 0052)
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
        os.replace(partial, output)
    if connection.vendor == "postgresql":
        record_backup()  # for the backup-age alert (govmedia_backup_last_success_timestamp_seconds)
    return manifest


def _dump_in_one_snapshot(connection, dump: Path, using: str) -> dict:
    """pg_dump of the snapshot this connection exports, and the manifest's figures read in it."""
    args, env = _pg_args(connection.settings_dict)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            figures = {"snapshot": snapshot, "migrations": applied_migrations(using), "counts": row_counts(using),
                       **snapshot_figures(cursor)}
        # The transaction stays open (it holds the snapshot) until pg_dump has finished.
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              "--file", str(dump), *args, "--dbname", connection.settings_dict["NAME"]], env, "数据库备份（pg_dump）")
    return figures


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# --- restore ------------------------------------------------------------------------------------

@dataclass
class KeyCheck:
    name: str
    matches: bool


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path) as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.load(member)
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError, TypeError) as exc:
        raise BackupError(f"不是有效的 govmedia 备份文件：{archive_path}（{exc}）")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持（本版本读取格式 {FORMAT}）。")
    return manifest


def check_keys(manifest: dict) -> list[KeyCheck]:
    current = current_fingerprints()
    return [KeyCheck(name, manifest["key_fingerprints"].get(name) == current[name]) for name in KEYS]


def data_key_manifest() -> dict:
    """The SM4 data keys the stored tokens name, with their fingerprints (never the keys)."""
    prints = gm.key_fingerprints()
    in_use = keys.key_ids_in_use()
    return {"current": gm.current_key_id(), "in_use": in_use,
            "fingerprints": {kid: prints[kid] for kid in in_use if kid in prints}}


def missing_data_keys(manifest: dict) -> list[str]:
    """Key ids the backup's data needs that the current key ring lacks (or holds another key under)."""
    prints = gm.key_fingerprints()
    wanted = manifest.get("data_keys", {})
    return sorted({kid for kid, fp in wanted.get("fingerprints", {}).items() if prints.get(kid) != fp}
                  | ({"?"} if "?" in wanted.get("in_use", []) else set()))


KEY_CONSEQUENCES = {
    "SECRET_KEY": "所有登录会话失效（用户需重新登录），已发出的重置链接和验证码失效",
    "INITIAL_PASSWORD_KEY": "未修改的填报单位初始密码和未显示的网站校验码无法解密，页面将提示“无法解密（密钥已变更）”，需逐一重置",
}


def check_migrations(manifest: dict) -> list[str]:
    """Migrations the backup has that this code does not know (a backup from a newer version)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]


RESTORED_MARK = "govmedia_restored_backup"  # one row: the dump loaded here, written in the load's transaction


def database_is_empty(using: str = "default") -> bool:
    return not connections[using].introspection.table_names()


def restored_from(using: str = "default") -> str | None:
    """The dump checksum of the backup this database was loaded from by `restore` (None: none)."""
    connection = connections[using]
    if RESTORED_MARK not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dump_sha256 FROM {RESTORED_MARK} LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def _verify_sql(manifest: dict) -> str:
    """Run last in the load's transaction: every count and the journal checksum equal the
    manifest's, else an exception rolls the whole load back."""
    checks = []
    for table, expected in sorted(manifest.get("table_counts", {}).items()):
        checks.append(f"PERFORM pg_temp.govmedia_expect('{table}', {int(expected)});")
    checksum = manifest.get("journal_checksum")
    quoted_sha = manifest["dump_sha256"].replace("'", "")
    body = "\n".join(checks)
    journal = ""
    if checksum:
        journal = (f"SET LOCAL TIME ZONE 'UTC';\n"
                   f"DO $$ DECLARE got text; BEGIN EXECUTE $q${JOURNAL_CHECKSUM_SQL.format(table=JOURNAL_TABLE)}$q$ "
                   f"INTO got; IF got IS DISTINCT FROM '{checksum}' THEN RAISE EXCEPTION "
                   f"'govmedia-restore: journal checksum % instead of {checksum}', got; END IF; END $$;\n")
    return f"""
SET search_path = pg_temp;
CREATE FUNCTION pg_temp.govmedia_expect(tbl text, expected bigint) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE got bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM public.%I', tbl) INTO got;
  IF got IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'govmedia-restore: table % has % rows instead of %', tbl, got, expected;
  END IF;
END $f$;
DO $$ BEGIN
{body}
END $$;
{journal}DROP TABLE IF EXISTS public.{RESTORED_MARK};
CREATE TABLE public.{RESTORED_MARK} (dump_sha256 text NOT NULL, restored_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.{RESTORED_MARK} (dump_sha256) VALUES ('{quoted_sha}');
"""


def _load_postgres(dump: Path, manifest: dict, db: dict, work: Path) -> None:
    """pg_restore's script piped into one psql transaction that ends with the verification."""
    args, env = _pg_args(db)
    verify = work / "verify.sql"
    verify.write_text(_verify_sql(manifest))
    script = subprocess.Popen([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-", str(dump)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    load = subprocess.run([pg_tool("psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
                           "--file", "-", "--file", str(verify), *args, "--dbname", db["NAME"]],
                          stdin=script.stdout, capture_output=True, text=True, env=env)
    script.stdout.close()
    script_errors = script.stderr.read().decode(errors="replace")
    script.wait()
    if load.returncode != 0:
        message = (load.stderr or load.stdout).strip()
        if "govmedia-restore:" in message:
            detail = message[message.index("govmedia-restore:") + len("govmedia-restore:"):].splitlines()[0].strip()
            raise BackupError(f"恢复后的数据与备份清单不符（{detail}），已整体回滚，目标数据库未作任何改动。")
        raise BackupError(f"数据库恢复失败，已整体回滚，目标数据库未作任何改动（排除原因后可直接重新执行）："
                          f"{message[-2000:]}")
    if script.returncode != 0:
        raise BackupError(f"数据库恢复（pg_restore）失败，目标数据库未作任何改动：{script_errors.strip()[-2000:]}")


def restore_backup(archive_path: Path, using: str = "default") -> dict:
    """Load the backup into the (empty) database `using`, verified before it is committed; a
    database already loaded from this same backup (a previous run stopped after the load) is
    left as it is. The caller has checked keys and migrations; it runs `migrate` afterwards.
    Returns the manifest with "already_restored" set when nothing had to be loaded."""
    manifest = read_manifest(archive_path)
    connection = connections[using]
    if manifest["database"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['database']} 数据库，不能恢复到 {connection.vendor}。")
    if restored_from(using) == manifest["dump_sha256"]:
        return {**manifest, "already_restored": True}
    if not database_is_empty(using):
        raise BackupError(f"目标数据库 {connection.settings_dict['NAME']} 不是空的：请恢复到新建的空数据库"
                          "（恢复不会覆盖现有数据）。")
    db = connection.settings_dict
    with tempfile.TemporaryDirectory(prefix="govmedia-restore-") as work:
        work = Path(work)
        dump = _copy_dump(archive_path, manifest["dump"], work / "database.dump")
        if _sha256(dump) != manifest["dump_sha256"]:
            raise BackupError("备份文件已损坏：数据库转储的校验和不符。")
        connection.close()
        if connection.vendor == "postgresql":
            _load_postgres(dump, manifest, db, work)
        else:
            _load_sqlite(dump, manifest, db, work)
    return {**manifest, "already_restored": False}


def _copy_dump(archive_path: Path, name: str, target: Path) -> Path:
    """The archive's member `name` copied to `target` as plain bytes: only a regular file is read, and
    no name from the archive becomes a path here. (TarFile.extract's `filter=` arrived in 3.11.4;
    Debian 12's python3.11, what the app servers run, is 3.11.2 and refuses it.)"""
    with tarfile.open(archive_path) as archive:
        try:
            member = archive.getmember(name)
        except KeyError:
            raise BackupError(f"备份文件不完整：缺少数据库转储 {name}。") from None
        source = archive.extractfile(member) if member.isfile() else None
        if source is None:
            raise BackupError(f"备份文件已损坏：数据库转储 {name} 不是普通文件。")
        with source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
    return target


def _load_sqlite(dump: Path, manifest: dict, db: dict, work: Path) -> None:
    """The demo: counts checked on a copy before it replaces the (empty) database file."""
    staged = work / "staged.sqlite3"
    source, target = sqlite3.connect(dump), sqlite3.connect(staged)
    with target:
        source.backup(target)
    source.close()
    for label, model in COUNTED.items():
        table = apps.get_model(model)._meta.db_table
        got = target.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if got != manifest["counts"].get(label):
            target.close()
            raise BackupError(f"恢复后的数据与备份清单不符（{label} {got}，备份 {manifest['counts'].get(label)}），"
                              "目标数据库未作任何改动。")
    target.close()
    shutil.copyfile(staged, db["NAME"])
