"""Files through two real app servers (separate gunicorn processes, separate temp dirs): what is
uploaded or staged on one is there on the other."""
from accounts_media.models import MediaAccount
from govmedia.filestore.models import StoredFile
from reports.models import SpotCheckReport
from tests.accounts_media.test_import import bili, filled
from tests.jobs_helpers import run_queued_jobs
from tests.reports.test_document_storage import docx


def test_an_import_checked_on_server_a_is_confirmed_on_server_b(two_app_servers, chain):
    a, b = two_app_servers.urls
    filer = two_app_servers.login(chain["shangzhuang"])
    response = filer.post(f"{a}/media/import/", files={"file": ("导入.xlsx", filled([bili(1), bili(2), bili(3)]),
                                                                "application/octet-stream")})
    assert response.status_code == 302 and "/media/import/job/" in response.headers["Location"], response.text[:2000]
    job_path = response.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
    run_queued_jobs()  # the check job, as a worker on a third machine runs it
    response = filer.get(f"{b}/{job_path}")
    assert response.status_code == 200, response.text[:2000]
    assert "校验通过：共 3 个新媒体账号" in response.text
    assert StoredFile.objects.filter(name__startswith="staging/media-import/").count() == 1
    assert MediaAccount.objects.count() == 0

    response = filer.post(f"{b}/media/import/confirm/", data={"submit": "1", "job": job_path.strip("/").rsplit("/", 1)[-1]})
    assert response.status_code == 302, response.text[:2000]
    write_path = response.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
    run_queued_jobs()
    response = filer.get(f"{a}/{write_path}", allow_redirects=False)
    assert response.status_code == 302, response.text[:2000]
    assert "tab=submitted" in response.headers["Location"]
    assert sorted(MediaAccount.objects.values_list("name", flat=True)) == ["B站账号1", "B站账号2", "B站账号3"]
    assert not StoredFile.objects.exists()  # the staged file went with the 提交
    page = filer.get(f"{a}/media/")
    assert "导入成功：3 个账号已提交" in page.text or "B站账号1" in page.text


def test_a_report_document_uploaded_on_one_server_downloads_from_the_other(two_app_servers, chain):
    a, b = two_app_servers.urls
    beijing = two_app_servers.login(chain["beijing"])
    assert beijing.post(f"{a}/spot-checks/new/", data={"kind": "media", "year": 2026, "quarter": 3}).status_code == 302
    report = SpotCheckReport.objects.get()
    first, second = docx("第一版", pad=2_500_000), docx("第二版", pad=3_000_000)  # larger than one chunk
    response = beijing.post(f"{a}/spot-checks/{report.pk}/document/", files={"document": ("报告.docx", first)})
    assert response.status_code == 302, response.text[:2000]
    assert beijing.get(f"{b}/spot-checks/{report.pk}/document/download/").content == first
    # Replaced on B, read on A: the new bytes; the old file is gone from the storage.
    response = beijing.post(f"{b}/spot-checks/{report.pk}/document/", files={"document": ("修订稿.docx", second)})
    assert response.status_code == 302, response.text[:2000]
    assert beijing.get(f"{a}/spot-checks/{report.pk}/document/download/").content == second
    report.refresh_from_db()
    assert list(StoredFile.objects.values_list("name", flat=True)) == [report.document.name]
