"""The one file storage of govmedia (decision record 0008): files in the database, in chunks.

Every app server sees the same files; a database backup holds them; a write is one transaction,
so a failed write leaves nothing behind. Files stream both ways in chunks of
settings.FILE_STORAGE_CHUNK_BYTES (never a whole file in memory).

Also here:
- save_file / replace_file: storing a FileField's file with a clear Chinese message on storage
  errors (full, read-only, no permission — on disk or in the database), and replacing one
  atomically: the new file under a new name, the reference switched in the transaction, the old
  file removed only after commit.
- staging_name / cleanup_stale_staging: temporary uploads (pending import files) live under
  "staging/" and are removed after STAGING_MAX_AGE_HOURS (the `cleanup_staging` command).
"""
import errno
import io
import logging
import posixpath
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.deconstruct import deconstructible
from govmedia.filestore.models import FileChunk, StoredFile

logger = logging.getLogger(__name__)

STAGING_PREFIX = "staging/"


def _chunk_bytes() -> int:
    return int(getattr(settings, "FILE_STORAGE_CHUNK_BYTES", 1024 * 1024))


@deconstructible
class DatabaseStorage(Storage):
    """A Django Storage over filestore.StoredFile / FileChunk (bytea on PostgreSQL, BLOB on SQLite)."""

    def __init__(self, using: str = "default", chunk_bytes: int | None = None):
        self.using = using
        self.chunk_bytes = chunk_bytes

    # --- writing ----------------------------------------------------------------------------
    def _save(self, name, content):
        chunk = self.chunk_bytes or _chunk_bytes()
        with transaction.atomic(using=self.using):
            stored = self._new_row(name, chunk)
            size = index = 0
            for block in _exact_blocks(content, chunk):
                FileChunk.objects.using(self.using).create(file=stored, index=index, data=block)
                size += len(block)
                index += 1
            StoredFile.objects.using(self.using).filter(pk=stored.pk).update(size=size)
        return stored.name

    def _new_row(self, name, chunk):
        """The StoredFile row under `name`, or under a fresh name when another server took it
        between get_available_name() and now."""
        for _ in range(10):
            try:
                with transaction.atomic(using=self.using):
                    return StoredFile.objects.using(self.using).create(name=name, chunk_size=chunk)
            except IntegrityError:
                if not self.exists(name):
                    raise
                name = self.get_available_name(name)
        raise IntegrityError(f"no free file name for {name}")

    # --- reading ----------------------------------------------------------------------------
    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("DatabaseStorage files are written with save(), not opened for writing.")
        row = StoredFile.objects.using(self.using).filter(name=name).values("pk", "size", "chunk_size").first()
        if row is None:
            raise FileNotFoundError(errno.ENOENT, "文件不存在", name)
        reader = ChunkReader(row["pk"], row["size"], row["chunk_size"], self.using)
        handle = File(io.BufferedReader(reader, buffer_size=min(row["chunk_size"], 256 * 1024)), name)
        handle.size = row["size"]
        handle.mode = "rb"
        return handle

    # --- the rest of the Storage API --------------------------------------------------------
    def delete(self, name):
        ids = list(StoredFile.objects.using(self.using).filter(name=name).values_list("pk", flat=True))
        if ids:
            with transaction.atomic(using=self.using):
                FileChunk.objects.using(self.using).filter(file_id__in=ids).delete()
                StoredFile.objects.using(self.using).filter(pk__in=ids).delete()

    def exists(self, name):
        return StoredFile.objects.using(self.using).filter(name=name).exists()

    def size(self, name):
        row = StoredFile.objects.using(self.using).filter(name=name).values_list("size", flat=True).first()
        if row is None:
            raise FileNotFoundError(errno.ENOENT, "文件不存在", name)
        return row

    def listdir(self, path):
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        dirs, files = set(), []
        for name in StoredFile.objects.using(self.using).filter(name__startswith=prefix).values_list("name", flat=True):
            rest = name[len(prefix):]
            if "/" in rest:
                dirs.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(dirs), sorted(files)

    def get_created_time(self, name):
        created = StoredFile.objects.using(self.using).filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(errno.ENOENT, "文件不存在", name)
        return created

    get_modified_time = get_created_time
    get_accessed_time = get_created_time

    def url(self, name):
        raise ValueError("Stored files are served by the views that check access, never by a public URL.")

    def delete_older_than(self, prefix: str, before: datetime) -> int:
        """Remove the files under `prefix` created before `before`; their count."""
        with transaction.atomic(using=self.using):
            ids = list(StoredFile.objects.using(self.using).filter(name__startswith=prefix, created_at__lt=before)
                       .values_list("pk", flat=True))
            FileChunk.objects.using(self.using).filter(file_id__in=ids).delete()
            StoredFile.objects.using(self.using).filter(pk__in=ids).delete()
        return len(ids)


class ChunkReader(io.RawIOBase):
    """A seekable, read-only view of one stored file that fetches one chunk at a time."""

    def __init__(self, file_id: int, size: int, chunk_size: int, using: str):
        super().__init__()
        self.file_id, self.length, self.chunk_size, self.using = file_id, size, chunk_size, using
        self.position = 0
        self._cached_index, self._cached = -1, b""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.length}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.position = base + offset
        return self.position

    def readinto(self, buffer):
        if self.position >= self.length:
            return 0
        index, offset = divmod(self.position, self.chunk_size)
        data = self._chunk(index)
        count = min(len(buffer), len(data) - offset)
        if count <= 0:
            raise OSError(errno.EIO, "文件内容不完整", self.file_id)
        buffer[:count] = data[offset:offset + count]
        self.position += count
        return count

    def _chunk(self, index: int) -> bytes:
        if index != self._cached_index:
            data = FileChunk.objects.using(self.using).filter(file_id=self.file_id, index=index).values_list(
                "data", flat=True).first()
            if data is None:
                raise OSError(errno.ENOENT, "文件已被删除或替换", self.file_id)
            self._cached_index, self._cached = index, bytes(data)
        return self._cached


def _exact_blocks(content, size: int):
    """The content in blocks of exactly `size` bytes (the last one shorter), read piece by piece."""
    pending = bytearray()
    for piece in content.chunks(chunk_size=size) if hasattr(content, "chunks") else File(content).chunks(size):
        if isinstance(piece, str):
            piece = piece.encode()
        pending += piece
        while len(pending) >= size:
            yield bytes(pending[:size])
            del pending[:size]
    if pending:
        yield bytes(pending)


# --- storage errors in Chinese -------------------------------------------------------------------

class StorageFailure(Exception):
    """A file could not be stored; `message` says why in words for the user. Nothing was kept."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


FULL = "存储空间已满，文件未能保存，原有文件保持不变。请联系系统管理员清理或扩容后重试。"
READ_ONLY = "存储当前为只读状态，文件未能保存，原有文件保持不变。请联系系统管理员。"
NO_PERMISSION = "系统没有写入存储的权限，文件未能保存，原有文件保持不变。请联系系统管理员。"
OTHER = "文件存储出错，文件未能保存，原有文件保持不变。请稍后重试，或联系系统管理员。"

_PG_CODES = {"53100": FULL, "53200": FULL, "53000": FULL, "25006": READ_ONLY, "42501": NO_PERMISSION}
_ERRNOS = {errno.ENOSPC: FULL, errno.EDQUOT: FULL, errno.EFBIG: FULL, errno.EROFS: READ_ONLY,
           errno.EACCES: NO_PERMISSION, errno.EPERM: NO_PERMISSION}


def storage_error_message(exc: BaseException) -> str | None:
    """The Chinese message for a storage error (OSError or database error), None for anything else."""
    if isinstance(exc, OSError):
        return _ERRNOS.get(exc.errno, OTHER)
    if isinstance(exc, DatabaseError):
        cause = exc.__cause__
        code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
        if code in _PG_CODES:
            return _PG_CODES[code]
        text = str(exc).lower()
        if "disk is full" in text or "no space left" in text:
            return FULL
        if "readonly database" in text or "read-only" in text or "read only" in text:
            return READ_ONLY
        if "permission denied" in text:
            return NO_PERMISSION
        return OTHER
    return None


def _failure(exc: BaseException, what: str) -> StorageFailure:
    logger.error("storing %s failed: %s", what, exc, exc_info=not isinstance(exc, (OSError, DatabaseError)))
    return StorageFailure(storage_error_message(exc) or OTHER)


def save_file(storage: Storage, name: str, content) -> str:
    """storage.save() with storage errors turned into StorageFailure (the Chinese message)."""
    try:
        with transaction.atomic():
            return storage.save(name, content)
    except (OSError, DatabaseError) as exc:
        raise _failure(exc, name) from exc


def replace_file(instance, field_name: str, name: str, content, *, also_update: tuple[str, ...] = ()) -> None:
    """Store `content` as the new file of instance.<field_name> and save the reference (and the
    fields in also_update) in the current transaction; the previous file is removed only once
    the transaction commits. On a storage error: StorageFailure, the instance keeps its old file
    in the database and in memory, and the new file is not kept."""
    fieldfile = getattr(instance, field_name)
    field = fieldfile.field
    storage = fieldfile.storage
    old_name = fieldfile.name or ""
    new_name = field.generate_filename(instance, name)
    if new_name == old_name or storage.exists(new_name):
        root, ext = posixpath.splitext(new_name)
        new_name = f"{root}_{get_random_string(7)}{ext}"
    try:
        with transaction.atomic():
            stored = storage.save(new_name, content, max_length=field.max_length)
            setattr(instance, field_name, stored)
            instance.save(update_fields=[field_name, *also_update])
    except (OSError, DatabaseError) as exc:
        setattr(instance, field_name, old_name)
        raise _failure(exc, new_name) from exc
    if old_name and old_name != stored:
        transaction.on_commit(lambda: _delete_quietly(storage, old_name))


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except (OSError, DatabaseError):
        logger.exception("could not remove the replaced file %s (remove it by hand)", name)


# --- staging ------------------------------------------------------------------------------------

def staging_name(kind: str, extension: str) -> str:
    """A fresh name under staging/<kind>/ for a temporary upload (e.g. a checked import file)."""
    return f"{STAGING_PREFIX}{kind}/{get_random_string(32)}.{extension.lstrip('.')}"


def staging_max_age() -> timedelta:
    return timedelta(hours=int(getattr(settings, "STAGING_MAX_AGE_HOURS", 24)))


def cleanup_stale_staging(now: datetime | None = None) -> int:
    """Remove the staging files older than STAGING_MAX_AGE_HOURS (default one day); their count.
    Scheduled daily (`manage.py cleanup_staging`)."""
    return default_storage.delete_older_than(STAGING_PREFIX, (now or timezone.now()) - staging_max_age())
