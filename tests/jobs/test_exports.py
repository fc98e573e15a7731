"""Exports as jobs: the job row, the file in default_storage, the 下载中心, who may download."""
import errno
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from accounts_media.lists import MEDIA_LIST
from govmedia.common import lists
from govmedia.common.xlsx import cell_value
from jobs import services
from jobs.exports import JobRequest
from jobs.models import Job
from tests.accounts_media.conftest import account_data, normal_account, submit
from tests.jobs_helpers import download_bytes, export_all, job_state, run_queued_jobs

LIST = "/media/"


@pytest.fixture
def accounts(chain):
    from accounts_media import services as media

    made = [normal_account(chain),
            submit(chain["yanyuan"], account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                   platform_id="2265830070", name="+燕园街道", func_service=True, func_other=True,
                   func_other_text="政务公开", represents_government=True, contact_mobile="13800000000"),
            normal_account(chain, "commerce", account_type="KH", wechat_kind="", platform_name="",
                           url="https://apps.apple.com/cn/app/id1485553352", platform_id="ios:1485553352",
                           name="@北京商务"),
            submit(chain["tianjin_filer"], account_type="BL", wechat_kind="", url="https://space.bilibili.com/434377496",
                   platform_id="434377496", name="-和平教育")]
    made.append(media.perform(media.new_account(chain["shangzhuang"]), "save_draft", chain["shangzhuang"],
                              account_data(account_type="DY", wechat_kind="", name="=1+1",
                                           url="https://www.douyin.com/user/MS4wLjABAAAAx", platform_id="MS4wLjABAAAAx")))
    return made


def test_export_all_records_who_scope_progress_file_and_timestamps(client, chain, login, accounts):
    login(chain["beijing"])
    response = client.get(LIST, {"export": "all"})
    job = Job.objects.get()
    assert response.url == f"/downloads/{job.pk}/"
    assert (job.status, job.requested_by, job.scope, job.attempts) == ("queued", chain["beijing"],
                                                                       services.scope_key(chain["beijing"]), 0)
    page = client.get(response.url).content.decode()
    assert "排队中" in page and "data-job-progress" in page and "下载中心" in page
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1 and job.error == ""
    assert job.rows_total == job.rows_written == 3  # Beijing's submitted accounts, the default tab
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    assert job.expires_at - job.finished_at == timedelta(days=3)
    assert default_storage.exists(job.result_name) and job.result_size == default_storage.size(job.result_name)
    assert job.result_filename.startswith("新媒体账号信息-") and job.result_filename.endswith(".xlsx")
    state = job_state(client, response.url)
    assert (state["status"], state["percent"], state["rows_written"], state["rows_total"]) == ("done", 100, 3, 3)
    sheet = load_workbook(io.BytesIO(download_bytes(client, state["download_url"]))).active
    header = [c.value for c in sheet[1]]
    assert header == lists.export_headers(MEDIA_LIST, chain["beijing"])  # L1: 填报单位名称
    assert sorted(r[header.index("名称")] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["+燕园街道", "@北京商务", "上庄发布"]


def test_formula_like_text_stays_text_in_the_job_file(client, chain, login, accounts):
    login(chain["gb"])
    sheet = export_all(client, LIST).active
    header = [c.value for c in sheet[1]]
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if c.column == header.index("名称") + 1}
    for text in ("+燕园街道", "@北京商务", "-和平教育"):
        assert cells[text].data_type == "s", text
    login(chain["shangzhuang"])
    sheet = export_all(client, LIST, {"tab": "drafts"}).active
    header = [c.value for c in sheet[1]]
    (name_cell,) = [row[header.index("名称")] for row in sheet.iter_rows(min_row=2)]
    assert name_cell.value == "=1+1" and name_cell.data_type == "s"


def test_the_values_path_writes_the_same_cells_as_the_model_path(chain, accounts):
    """The media export reads values_list tuples; the page reads model instances: same cells."""
    request = JobRequest(chain["gb"], "tab=all")
    listed, scope = MEDIA_LIST.querysets(request)
    qs = lists.export_queryset(request, MEDIA_LIST, listed, scope)
    fast = list(lists.export_rows(MEDIA_LIST, request, qs))
    slow = list(lists._export_rows(MEDIA_LIST, request, list(qs), lists.export_columns(MEDIA_LIST),
                                   lists.table_keys(lists.export_headers(MEDIA_LIST))))
    assert len(fast) == len(slow) >= 4

    def cells(rows):  # as the file holds them: '' and None are both a blank cell
        return [{k: cell_value(v) for k, v in row.items()} for row in rows]

    assert cells(fast) == cells(slow)
    assert {k for row in fast for k, v in row.items() if v not in ("", None)} >= {"省/部", "市/省局", "功能", "创建时间"}


def test_only_the_requester_in_the_same_scope_downloads_until_expiry(client, chain, login, accounts, tree):
    login(chain["beijing"])
    job_url = client.get(LIST, {"export": "all"}).url
    run_queued_jobs()
    job = Job.objects.get()
    download = f"/downloads/{job.pk}/download/"
    assert client.get(download).status_code == 200
    for other in (chain["tianjin"], chain["gb"], chain["shangzhuang"]):  # another user, even above: 404
        login(other)
        assert client.get(job_url).status_code == 404
        assert client.get(download).status_code == 404
        assert client.get(f"/downloads/{job.pk}/status/").status_code == 404
        assert f'data-job-id="{job.pk}"' not in client.get("/downloads/").content.decode()
    beijing = chain["beijing"]
    beijing.org_unit = tree["120000"]  # the login moved to another unit: the rows were not read for it
    beijing.save()
    login(beijing)
    assert job_state(client, job_url)["download_url"] == ""
    assert client.get(download).status_code == 404
    beijing.org_unit = tree["110000"]
    beijing.save()
    login(beijing)
    assert client.get(download).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        login(beijing)
        assert client.get(download).status_code == 404  # past the 3 days


def test_download_center_lists_my_exports_only(client, chain, login, accounts):
    login(chain["beijing"])
    client.get(LIST, {"export": "all"})
    login(chain["tianjin"])
    client.get(LIST, {"export": "all"})
    run_queued_jobs()
    login(chain["beijing"])
    page = client.get("/downloads/").content.decode()
    mine = Job.objects.get(requested_by=chain["beijing"])
    theirs = Job.objects.get(requested_by=chain["tianjin"])
    assert f'data-job-id="{mine.pk}"' in page and f'data-job-id="{theirs.pk}"' not in page
    assert f"/downloads/{mine.pk}/download/" in page and "下载文件" in page
    assert "下载中心" in client.get(LIST).content.decode()  # in the menu


def test_small_selections_stay_immediate_large_ones_become_jobs(client, chain, login, accounts, settings):
    login(chain["beijing"])
    ids = [a.pk for a in accounts]
    response = client.post(LIST, {"ids": ids})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats") and not Job.objects.exists()
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    response = client.post(LIST, {"ids": ids})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/downloads/{job.pk}/"
    run_queued_jobs()
    state = job_state(client, response.url)
    sheet = load_workbook(io.BytesIO(download_bytes(client, state["download_url"]))).active
    names = sorted(r[lists.export_headers(MEDIA_LIST).index("名称")] for r in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["+燕园街道", "=1+1", "@北京商务", "上庄发布"]  # the ticked ones inside Beijing's scope, any tab


def test_a_job_that_errors_is_marked_failed_with_a_chinese_message(client, chain, login, accounts, monkeypatch):
    import jobs.exports

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(jobs.exports, "write_table", broken)
    login(chain["beijing"])
    job_url = client.get(LIST, {"export": "all"}).url
    run_queued_jobs()
    state = job_state(client, job_url)
    assert state["status"] == "failed" and state["error"] == services.FAILED_MESSAGE and state["download_url"] == ""
    assert services.FAILED_MESSAGE in client.get(job_url).content.decode()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get(id=Job.objects.get().task_id).status == "FAILED"  # the queue's own record


def test_a_worker_taken_for_dead_loses_its_result_to_the_retry(chain, accounts, settings):
    """The lease: once the watchdog hands the job to a new attempt, the old attempt's writes miss."""
    job = services.start_job(chain["gb"], Job.Kind.EXPORT, "t", {"spec": "media_accounts", "query": "", "ids": None,
                                                                 "filename": "x.xlsx"})
    claimed = services._claim(job.pk)
    lease = services.Lease(claimed)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.JOBS_LEASE_SECONDS + 1)):
        assert services.reap_stalled() == "中断的任务：重试 1 个，标记失败 0 个"
    job.refresh_from_db()
    assert job.status == "queued" and job.attempts == 1
    with pytest.raises(services.LeaseLost):
        lease.progress(10, 20)
    assert lease.finish(result_name="old.xlsx") is False
    run_queued_jobs()  # the retry
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and job.result_name != "old.xlsx"


def test_the_filer_unit_export_values_path_matches_its_model_path(users, tree):
    from accounts.filer_lists import FILER_UNIT_LIST
    from tests.factories import make_filer

    make_filer(tree["110108"], "=海淀区燕园街道", 5, media_count=2)
    make_filer(tree["110000"], "北京市统计局", 6)
    request = JobRequest(users["gb"], "")
    listed, scope = FILER_UNIT_LIST.querysets(request)
    qs = lists.export_queryset(request, FILER_UNIT_LIST, listed, scope)
    assert all(c.fields for c in lists.export_columns(FILER_UNIT_LIST))
    fast = list(lists.export_rows(FILER_UNIT_LIST, request, qs))
    slow = list(lists._export_rows(FILER_UNIT_LIST, request, list(qs), lists.export_columns(FILER_UNIT_LIST),
                                   lists.table_keys(lists.export_headers(FILER_UNIT_LIST))))
    assert len(fast) >= 4
    assert [{k: cell_value(v) for k, v in r.items()} for r in fast] == [{k: cell_value(v) for k, v in r.items()}
                                                                         for r in slow]


@pytest.mark.parametrize("fault, named", [(errno.ENOSPC, "存储空间已满"), (errno.EROFS, "存储当前为只读状态")])
def test_an_export_failing_on_a_storage_fault_names_the_storage_problem(client, chain, login, accounts, settings,
                                                                         fault, named):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.filestore.faulty.FaultyStorage",
                                                          "OPTIONS": {"fault": fault}}}
    login(chain["beijing"])
    job_url = client.get(LIST, {"export": "all"}).url
    run_queued_jobs()
    state = job_state(client, job_url)
    assert state["status"] == "failed" and state["error"].startswith(f"导出失败：{named}")
    assert "服务器处理出错" not in state["error"] and state["download_url"] == ""
    assert named in client.get(job_url).content.decode()


def test_a_storage_error_reported_by_the_rust_writer_is_named_too(chain):
    job = Job(kind=Job.Kind.EXPORT)
    assert services.failed_message(job, RuntimeError("IO error: File too large (os error 27)")).startswith(
        "导出失败：存储空间已满")
    assert services.failed_message(job, RuntimeError("boom")) == services.FAILED_MESSAGE
