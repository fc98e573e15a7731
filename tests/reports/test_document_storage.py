"""季度报告 and notice attachments in the shared storage: atomic replacement, storage errors in
Chinese with the old document kept and no partial file."""
import errno
import io
import os
import random
import subprocess
import tempfile
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from govmedia.common import storage as storage_module
from govmedia.filestore.models import FileChunk, StoredFile
from reports.models import Notice, NoticeAttachment, SpotCheckReport

pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a PostgreSQL trigger raises the fault")


def docx(text: str, pad: int = 6000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:  # stored, not deflated: `pad` random characters make it that large
        z.writestr("[Content_Types].xml", "<Types/>")
        filler = random.Random(text).randbytes(pad // 2).hex()
        z.writestr("word/document.xml", f"<w:document><w:body>{text}{filler}</w:body></w:document>")
    return out.getvalue()


@pytest.fixture
def report(client, chain, login, settings):
    settings.FILE_STORAGE_CHUNK_BYTES = 1024  # several chunks per document: faults can strike midway
    login(chain["beijing"])
    client.post("/spot-checks/new/", {"kind": "media", "year": 2026, "quarter": 3})
    report = SpotCheckReport.objects.get()
    report.original = docx("第一版")
    client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("第三季度报告.docx", report.original)})
    report.refresh_from_db()
    assert report.document_name == "第三季度报告.docx"
    return report


def download(client, report) -> bytes:
    response = client.get(f"/spot-checks/{report.pk}/document/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_replacement_gets_a_new_name_and_the_old_file_goes_after_commit(client, report,
                                                                          django_capture_on_commit_callbacks):
    old_name = report.document.name
    replacement = docx("第二版")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/spot-checks/{report.pk}/document/", {"document": SimpleUploadedFile("修订稿.docx", replacement)})
    report.refresh_from_db()
    assert report.document.name != old_name and report.document_name == "修订稿.docx"
    # Until the commit the old file is still there (a rollback would find it intact).
    assert StoredFile.objects.filter(name=old_name).exists()
    for callback in callbacks:
        callback()
    assert list(StoredFile.objects.values_list("name", flat=True)) == [report.document.name]
    assert download(client, report) == replacement


def assert_old_document_kept(client, report, html, message):
    assert message in html
    kept = SpotCheckReport.objects.get(pk=report.pk)
    assert (kept.document.name, kept.document_name) == (report.document.name, "第三季度报告.docx")
    assert list(StoredFile.objects.values_list("name", flat=True)) == [report.document.name]  # no partial file
    assert FileChunk.objects.count() == -(-len(report.original) // 1024)
    assert download(client, report) == report.original


@pg_only
@pytest.mark.parametrize("sqlstate, message", [("disk_full", storage_module.FULL),
                                               ("read_only_sql_transaction", storage_module.READ_ONLY),
                                               ("insufficient_privilege", storage_module.NO_PERMISSION)])
def test_a_database_fault_midway_keeps_the_old_document(client, report, sqlstate, message):
    with connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE FUNCTION filestore_fault() RETURNS trigger AS $$
            BEGIN
              IF NEW.index >= 3 THEN RAISE EXCEPTION 'injected fault' USING ERRCODE = '{sqlstate}'; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER filestore_fault BEFORE INSERT ON filestore_filechunk
              FOR EACH ROW EXECUTE FUNCTION filestore_fault();""")
    response = client.post(f"/spot-checks/{report.pk}/document/",
                           {"document": SimpleUploadedFile("修订稿.docx", docx("第二版"))}, follow=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER filestore_fault ON filestore_filechunk")
    assert_old_document_kept(client, report, response.content.decode(), message)


@pytest.mark.parametrize("fault, message", [(errno.ENOSPC, storage_module.FULL), (errno.EROFS, storage_module.READ_ONLY),
                                            (errno.EACCES, storage_module.NO_PERMISSION)])
def test_a_storage_failing_midway_keeps_the_old_document(client, report, settings, fault, message):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.filestore.faulty.FaultyStorage",
                                                          "OPTIONS": {"fault": fault}}}
    response = client.post(f"/spot-checks/{report.pk}/document/",
                           {"document": SimpleUploadedFile("修订稿.docx", docx("第二版"))}, follow=True)
    assert_old_document_kept(client, report, response.content.decode(), message)


def test_a_notice_attachment_on_a_full_storage_is_refused_in_words(client, chain, login, settings):
    login(chain["gb"])
    notice = Notice.objects.create(title="关于核查账号的通知", sender=chain["gb"].org_unit)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.filestore.faulty.FaultyStorage"}}
    response = client.post(f"/notices/{notice.pk}/attachments/",
                           {"file": SimpleUploadedFile("附件.docx", docx("附件"))}, follow=True)
    assert storage_module.FULL in response.content.decode()
    assert not NoticeAttachment.objects.exists() and not StoredFile.objects.exists()


@pytest.fixture
def small_tmpfs():
    """mount(options) → a real 1 MB tmpfs (root only; skipped where mounting is not possible).
    Mounted outside pytest's shared temp tree, which other pytest sessions may clean."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = []

    def mount(options="size=1m"):
        point = tempfile.mkdtemp(prefix="govmedia-test-tmpfs-")
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", point], capture_output=True)
        if result.returncode:
            os.rmdir(point)
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", point], check=True)
        os.rmdir(point)


@pytest.mark.parametrize("options, message", [("size=1m", "存储空间已满，上传的文件未能接收（服务器临时目录）"),
                                              ("ro,size=1m", "存储当前为只读状态，上传的文件未能接收（服务器临时目录）")])
def test_a_full_or_read_only_upload_folder_keeps_the_old_document(client, report, settings, small_tmpfs, options,
                                                                  message):
    """A 3 MB upload goes to FILE_UPLOAD_TEMP_DIR while the request is read: a full (1 MB tmpfs) or
    read-only folder there gives the Chinese page, no partial file, and the old document."""
    folder = small_tmpfs(options)
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    response = client.post(f"/spot-checks/{report.pk}/document/",
                           {"document": SimpleUploadedFile("修订稿.docx", docx("第二版", pad=3 * 1024 * 1024))})
    assert response.status_code == 503
    assert message in response.content.decode()
    assert os.listdir(folder) == []  # the partial temp file is gone
    assert_old_document_kept(client, report, message, message)
