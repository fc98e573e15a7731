"""The database file storage: whole-or-nothing writes, chunked streaming both ways, the Storage
API the apps use, staging clean-up."""
import errno
import hashlib
import io
import random
import tracemalloc
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from govmedia.common import storage as storage_module
from govmedia.common.storage import (DatabaseStorage, StorageFailure, cleanup_stale_staging, save_file,
                                     staging_name)
from govmedia.filestore.models import FileChunk, StoredFile

pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a PostgreSQL trigger raises the fault")



PERIOD = 3 * (1 << 20) + 7  # not a multiple of the chunk size: misplaced chunks change the digest
BASE = random.Random(8).randbytes(PERIOD) * 2


def pattern_block(offset: int, count: int) -> bytes:
    """Bytes [offset, offset+count) of a periodic pseudo-random pattern (count <= PERIOD)."""
    start = offset % PERIOD
    return BASE[start:start + count]


class PatternFile(io.RawIOBase):
    """`size` bytes of the pattern, produced as read: the source never sits in memory."""

    def __init__(self, size: int):
        self.size, self.position = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.position)
        buffer[:count] = pattern_block(self.position, count)
        self.position += count
        return count


def pattern_digest(size: int) -> str:
    digest = hashlib.sha256()
    for offset in range(0, size, 1 << 20):
        digest.update(pattern_block(offset, min(1 << 20, size - offset)))
    return digest.hexdigest()


def test_save_open_exists_size_listdir_delete(db):
    name = default_storage.save("reports/2026/报告.pdf", ContentFile(b"%PDF-1.7 content"))
    assert name == "reports/2026/报告.pdf"
    assert default_storage.exists(name) and default_storage.size(name) == 16
    with default_storage.open(name) as handle:
        assert handle.read() == b"%PDF-1.7 content"
    # Same name again: a new name, the first file untouched.
    second = default_storage.save("reports/2026/报告.pdf", ContentFile(b"other"))
    assert second != name and second.startswith("reports/2026/报告_")
    assert default_storage.listdir("reports") == (["2026"], [])
    assert sorted(default_storage.listdir("reports/2026")[1]) == sorted([name.split("/")[-1], second.split("/")[-1]])
    assert default_storage.get_created_time(name) <= timezone.now()
    default_storage.delete(name)
    assert not default_storage.exists(name) and default_storage.exists(second)
    assert FileChunk.objects.filter(file__name=name).count() == 0
    with pytest.raises(FileNotFoundError):
        default_storage.open(name)
    empty = default_storage.save("empty.txt", ContentFile(b""))
    assert default_storage.open(empty).read() == b"" and default_storage.size(empty) == 0
    with pytest.raises(ValueError):
        default_storage.url(second)  # no public URL: the views check access


def test_reads_seek_across_chunk_boundaries(db):
    store = DatabaseStorage(chunk_bytes=10)
    content = bytes(range(256)) * 3
    name = store.save("seek.bin", ContentFile(content))
    assert StoredFile.objects.get(name=name).chunks.count() == 77  # 768 bytes in 10-byte chunks
    handle = store.open(name)
    assert handle.size == 768
    handle.seek(95)
    assert handle.read(30) == content[95:125]
    handle.seek(-5, io.SEEK_END)
    assert handle.read() == content[-5:]
    handle.seek(0)
    assert b"".join(handle.chunks(7)) == content


def test_a_large_file_streams_both_ways_in_chunks(db, settings):
    """A 40 MB export goes in and out with at most a few chunks in memory at once."""
    settings.FILE_STORAGE_CHUNK_BYTES = 1 << 20
    size = 40 * (1 << 20) + 12345
    tracemalloc.start()
    try:
        name = default_storage.save("exports/big.xlsx", File(PatternFile(size), "big.xlsx"))
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest, total = hashlib.sha256(), 0
        with default_storage.open(name) as handle:
            while block := handle.read(64 * 1024):
                digest.update(block)
                total += len(block)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size and digest.hexdigest() == pattern_digest(size)
    assert StoredFile.objects.get(name=name).chunks.count() == 41
    assert write_peak < 8 * (1 << 20), write_peak
    assert read_peak < 8 * (1 << 20), read_peak


@pg_only
@pytest.mark.parametrize("sqlstate, message", [("disk_full", storage_module.FULL),
                                               ("read_only_sql_transaction", storage_module.READ_ONLY),
                                               ("insufficient_privilege", storage_module.NO_PERMISSION)])
def test_a_database_fault_midway_leaves_no_partial_file(db, settings, sqlstate, message):
    settings.FILE_STORAGE_CHUNK_BYTES = 1024
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE FUNCTION filestore_fault() RETURNS trigger AS $$
            BEGIN
              IF NEW.index >= 2 THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = '{sqlstate}'; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER filestore_fault BEFORE INSERT ON filestore_filechunk
              FOR EACH ROW EXECUTE FUNCTION filestore_fault();""")
    with pytest.raises(StorageFailure) as failure:
        save_file(default_storage, "reports/2026/half.pdf", ContentFile(b"x" * 5000))
    assert failure.value.message == message
    # Nothing half-written, and the connection is still usable after the fault.
    assert not StoredFile.objects.exists() and not FileChunk.objects.exists()


@pytest.mark.parametrize("code, message", [(errno.ENOSPC, storage_module.FULL), (errno.EROFS, storage_module.READ_ONLY),
                                           (errno.EACCES, storage_module.NO_PERMISSION)])
def test_an_os_error_midway_leaves_no_partial_file(db, code, message):
    class FailingSource(io.RawIOBase):
        """A source that fails after 3 KB, as a full or read-only temp upload folder does."""

        position = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            if self.position >= 3000:
                raise OSError(code, "injected")
            count = min(len(buffer), 1000)
            buffer[:count] = b"y" * count
            self.position += count
            return count

    with pytest.raises(StorageFailure) as failure:
        save_file(DatabaseStorage(chunk_bytes=1000), "half.bin", File(FailingSource(), "half.bin"))
    assert failure.value.message == message
    assert not StoredFile.objects.exists() and not FileChunk.objects.exists()


def test_stale_staging_files_are_removed_after_a_day(db):
    now = timezone.now()
    old = save_file(default_storage, staging_name("media-import", "xlsx"), ContentFile(b"old"))
    fresh = save_file(default_storage, staging_name("media-import", "xlsx"), ContentFile(b"fresh"))
    report = default_storage.save("reports/2026/old-report.pdf", ContentFile(b"%PDF-"))
    StoredFile.objects.filter(name__in=[old, report]).update(created_at=now - timedelta(hours=25))
    StoredFile.objects.filter(name=fresh).update(created_at=now - timedelta(hours=23))
    assert old.startswith("staging/media-import/") and old.endswith(".xlsx")
    assert cleanup_stale_staging(now) == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(fresh) and default_storage.exists(report)  # documents are never staging
    assert cleanup_stale_staging(now + timedelta(hours=2)) == 1
    out = io.StringIO()
    call_command("cleanup_staging", stdout=out)
    assert "已删除超过 24 小时的暂存文件 0 个" in out.getvalue()
