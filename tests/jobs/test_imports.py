"""批量导入 as jobs: the check and the write run on the job queue (a real worker process once),
with progress, all or nothing, and only for the requester."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts_media.models import MediaAccount, Status
from govmedia.filestore.models import StoredFile
from jobs import services
from jobs.models import Job
from reviews.models import JournalEntry
from tests.accounts_media.conftest import submit
from tests.accounts_media.test_import import bili, filled
from tests.conftest import requires_postgres
from tests.imports.flow import CONFIRM, URL, confirm, upload
from tests.jobs_helpers import job_state, start_worker, stop_worker, wait_for


def _job_url(response):
    assert response.status_code == 302 and "/media/import/job/" in response.url, response
    return response.url


def _finished(client, url):
    """the import job to finish"""
    return job_state(client, "/downloads/" + url.rstrip("/").rsplit("/", 1)[-1])["finished"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_writes_an_import(chain):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(chain["shangzhuang"])
    worker = start_worker()
    try:
        url = _job_url(client.post(URL, {"file": SimpleUploadedFile("导入.xlsx", filled([bili(i) for i in range(1, 4)]))}))
        assert wait_for(lambda: _finished(client, url), timeout=60)
        checked = client.get(url)
        assert checked.status_code == 200 and "校验通过：共 3 个新媒体账号" in checked.content.decode()
        assert MediaAccount.objects.count() == 0
        write_url = _job_url(client.post(CONFIRM, {"submit": "1", "job": checked.context["job"].pk}))
        assert wait_for(lambda: _finished(client, write_url), timeout=60)
    finally:
        output = stop_worker(worker)
    landed = client.get(write_url)
    assert landed.status_code == 302 and "tab=submitted" in landed.url, output
    assert "导入成功：3 个账号已提交，等待审核" in client.get(landed.url).content.decode()
    assert sorted(MediaAccount.objects.values_list("name", "status")) == [(f"B站账号{i}", Status.ADD_PENDING) for i in (1, 2, 3)]
    jobs = list(Job.objects.order_by("pk"))
    assert [(j.kind, j.params["phase"], j.status, j.attempts) for j in jobs] == [
        ("import", "check", "done", 1), ("import", "write", "done", 1)]
    assert all(j.worker_id and j.worker_id != "pytest" for j in jobs)  # the worker process ran them
    assert not StoredFile.objects.filter(name__startswith="staging/media-import/").exists()  # gone with 提交


def test_the_check_and_the_write_report_rows_checked_and_written(client, chain, login, monkeypatch):
    seen = []
    progress = services.Lease.progress
    monkeypatch.setattr(services.Lease, "progress",
                        lambda self, done, total: (seen.append((self.job.params["phase"], done, total)),
                                                   progress(self, done, total))[1])
    login(chain["shangzhuang"])
    response = client.post(URL, {"file": _file(filled([bili(i) for i in range(1200)]))})
    url = _job_url(response)
    page = client.get(url).content.decode()  # queued: the progress page, in words of an import
    assert "data-job-progress" in page and "导入进度" in page and "排队中" in page and "导出进度" not in page
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status="running", rows_written=500, rows_total=1200, attempts=1)
    page = client.get(url).content.decode()
    assert "正在校验" in page and "已校验 500 / 1200 行" in page and "41%" in page
    state = job_state(client, f"/downloads/{job.pk}/")
    assert (state["status_label"], state["rows_verb"], state["percent"]) == ("正在校验", "已校验", 41)
    Job.objects.filter(pk=job.pk).update(status="queued", rows_written=0, rows_total=None, attempts=0)

    checked = upload_result(client, url)
    assert "校验通过：共 1200 个新媒体账号" in checked.content.decode()
    assert seen == [("check", 0, None), ("check", 500, 1200), ("check", 1000, 1200), ("check", 1200, 1200)]
    state = job_state(client, f"/downloads/{job.pk}/")
    assert (state["status"], state["percent"], state["rows_written"], state["rows_total"]) == ("done", 100, 1200, 1200)
    seen.clear()
    assert confirm(client, checked, "draft").status_code == 302
    write = Job.objects.get(params__phase="write")
    assert seen == [("write", 0, None), ("write", 500, 1200), ("write", 1000, 1200), ("write", 1200, 1200)]
    assert (write.status, write.rows_written, write.rows_total, write.rows_verb) == ("done", 1200, 1200, "已写入")
    assert MediaAccount.objects.filter(status=Status.DRAFT).count() == 1200


def upload_result(client, url):
    from tests.jobs_helpers import run_queued_jobs

    run_queued_jobs()
    return client.get(url)


def _file(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("导入.xlsx", content, content_type="application/octet-stream")


def _snapshot():
    return (MediaAccount.objects.count(), JournalEntry.objects.filter(subject_type="media_account").count(),
            sorted(MediaAccount.objects.values_list("pk", "status", "name")))


def test_a_refused_file_leaves_the_database_unchanged_through_the_jobs(client, chain, login):
    submit(chain["tianjin_filer"], account_type="BL", wechat_kind="", url="https://space.bilibili.com/10900",
           platform_id="10900")
    before = _snapshot()
    login(chain["shangzhuang"])
    rows = [bili(i) for i in range(300)]
    rows[250][5] = "也许"  # sheet row 254
    refused = upload(client, filled(rows))
    assert refused.status_code == 400 and refused.context["error_count"] == 1
    assert refused.context["errors"][0][:2] == (254, "信息发布") and "未导入任何数据" in refused.content.decode()
    assert _snapshot() == before
    # A clean check, then the same account registered elsewhere before 提交: the write job checks
    # again and writes nothing.
    checked = upload(client, filled([bili(i) for i in range(300)]))
    assert checked.status_code == 200
    submit(chain["tianjin_filer"], account_type="BL", wechat_kind="", url="https://space.bilibili.com/10299",
           platform_id="10299")
    before = _snapshot()
    written = confirm(client, checked, "submit")
    assert written.status_code == 400 and "已由“和平区教育局”（120101M001）报送" in written.content.decode()
    assert _snapshot() == before and MediaAccount.objects.filter(filer_unit__code="110108M001").count() == 0
    assert Job.objects.get(params__phase="write").params["outcome"] == "errors"
    assert not StoredFile.objects.filter(name__startswith="staging/media-import/").exists()
    # The staged file went with the refusal: 提交 again is refused in words, not a 500.
    again = client.post(CONFIRM, {"submit": "1", "job": checked.context["job"].pk})
    assert again.status_code == 302 and again.url == "/media/import/"


def test_another_filer_unit_cannot_see_or_use_an_import_job(client, chain, login):
    login(chain["shangzhuang"])
    rows = [bili(1), bili(2)]
    rows[1][2] = "推特"
    refused = upload(client, filled(rows))
    errors_url = refused.context["errors_url"]
    job = Job.objects.get()
    assert client.get(errors_url).status_code == 200  # the requester downloads the error details
    checked = upload(client, filled([bili(3)]))
    check = checked.context["job"]
    login(chain["tianjin_filer"])
    for url in (f"/media/import/job/{job.pk}/", f"/media/import/job/{check.pk}/", f"/downloads/{job.pk}/status/",
                f"/downloads/{job.pk}/", errors_url):
        assert client.get(url).status_code == 404, url
    assert client.post(CONFIRM, {"submit": "1", "job": check.pk}).status_code == 404
    assert MediaAccount.objects.count() == 0 and Job.objects.count() == 2
    login(chain["haidian"])  # an org unit: no import pages at all
    assert client.get(f"/media/import/job/{check.pk}/").status_code == 403
    # Nor does an import appear in the requester's 下载中心 (我的导出).
    login(chain["shangzhuang"])
    assert "暂无导出记录" in client.get("/downloads/").content.decode()
    # The error details are kept a day, then removed with the expired export files.
    from jobs.exports import delete_expired

    delete_expired(now=timezone.now() + timedelta(days=2))
    assert client.get(errors_url).status_code == 404
    assert not StoredFile.objects.filter(name__startswith="staging/media-import-errors/").exists()
