"""Backup and restore of a govmedia installation (decision record 0009).

A backup is one .tar file:
- manifest.json — when, from which database engine, the applied migrations, row counts, and
  a fingerprint of SECRET_KEY and of INITIAL_PASSWORD_KEY (an HMAC: the keys themselves are
  never written into a backup);
- database.dump — `pg_dump --format=custom` (PostgreSQL), or database.sqlite3 (the demo).

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
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

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
    from django.apps import apps

    return {label: apps.get_model(model).objects.using(using).count() for label, model in COUNTED.items()}


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
            args, env = _pg_args(db)
            _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump),
                  *args, "--dbname", db["NAME"]], env, "数据库备份（pg_dump）")
        elif connection.vendor == "sqlite":
            dump = work / "database.sqlite3"
            source = sqlite3.connect(db["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            raise BackupError(f"不支持的数据库：{connection.vendor}")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(),
            "database": connection.vendor,
            "dump": dump.name,
            "dump_bytes": dump.stat().st_size,
            "dump_sha256": _sha256(dump),
            "migrations": applied_migrations(using),
            "counts": row_counts(using),
            "key_fingerprints": current_fingerprints(),
            "data_keys": data_key_manifest(),  # the SM4 key ids the data uses (decision 0052)
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
        os.replace(partial, output)
    return manifest


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
    from govmedia.common import gm
    from govmedia.ops import keys

    prints = gm.key_fingerprints()
    in_use = keys.key_ids_in_use()
    return {"current": gm.current_key_id(), "in_use": in_use,
            "fingerprints": {kid: prints[kid] for kid in in_use if kid in prints}}


def missing_data_keys(manifest: dict) -> list[str]:
    """Key ids the backup's data needs that the current key ring lacks (or holds another key under)."""
    from govmedia.common import gm

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


def database_is_empty(using: str = "default") -> bool:
    return not connections[using].introspection.table_names()


def restore_backup(archive_path: Path, using: str = "default") -> dict:
    """Load the backup into the (empty) database `using`. The caller has checked keys and migrations."""
    manifest = read_manifest(archive_path)
    connection = connections[using]
    if manifest["database"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['database']} 数据库，不能恢复到 {connection.vendor}。")
    if not database_is_empty(using):
        raise BackupError(f"目标数据库 {connection.settings_dict['NAME']} 不是空的：请恢复到新建的空数据库"
                          "（恢复不会覆盖现有数据）。")
    db = connection.settings_dict
    with tempfile.TemporaryDirectory(prefix="govmedia-restore-") as work:
        work = Path(work)
        with tarfile.open(archive_path) as archive:
            archive.extract(manifest["dump"], path=work, filter="data")
        dump = work / manifest["dump"]
        if _sha256(dump) != manifest["dump_sha256"]:
            raise BackupError("备份文件已损坏：数据库转储的校验和不符。")
        if connection.vendor == "postgresql":
            connection.close()
            args, env = _pg_args(db)
            _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  *args, "--dbname", db["NAME"], str(dump)], env, "数据库恢复（pg_restore）")
        else:
            connection.close()
            source = sqlite3.connect(dump)
            target = sqlite3.connect(db["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
    return manifest
