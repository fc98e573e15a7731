"""Browser journey: GB starts 导出全部 of every account in the country, watches the job go from
正在生成 to 已完成 on a real worker process, and downloads the file from the 下载中心."""
import io

import pytest
from django.db import connections
from openpyxl import load_workbook

from tests.browser.conftest import log_in
from tests.conftest import requires_postgres
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree
from tests.jobs_helpers import start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.browser, requires_postgres, pytest.mark.django_db(transaction=True)]


def test_national_export_shows_progress_and_downloads_from_the_download_center(page):
    from accounts_media.services import create_many
    from tests.accounts_media.conftest import account_data

    tree = make_small_tree()
    make_org_user(tree["GB0000"])
    haidian = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    tianjin = make_filer(tree["120101"], "和平区教育局", 1).user
    create_many(haidian, "submit", [account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{i}",
                                                 platform_id=str(i), name=f"上庄B站{i}") for i in range(1, 8)])
    create_many(tianjin, "submit", [account_data(account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                                                 platform_id="2265830070", name="=和平微博")])
    worker = start_worker(env={**worker_env(), "JOBS_HEARTBEAT_SECONDS": "0.5"})
    lock = connections.create_connection("default")
    try:
        log_in(page, "组织单位", "GB0000", PASSWORD)
        page.wait_for_url("**/media/")
        # Hold the accounts table so the job stays in the middle of its work while we watch.
        lock.set_autocommit(False)
        with lock.cursor() as cursor:
            cursor.execute("LOCK TABLE accounts_media_mediaaccount IN ACCESS EXCLUSIVE MODE")
        page.get_by_role("button", name="导出").click()
        page.get_by_test_id("export-all").click()
        page.wait_for_url("**/downloads/*/")
        box = page.locator("[data-job-progress]")
        box.locator("[data-job-status]", has_text="正在生成").wait_for()  # the worker took it
        assert box.locator("[data-job-bar]").inner_text() == "0%"
        assert box.locator("[data-job-download]").is_hidden()
        lock.rollback()  # the export goes on
        box.locator("[data-job-status]", has_text="已完成").wait_for()
        assert box.locator("[data-job-bar]").inner_text() == "100%"
        assert "已写入 8 / 8 行" in box.locator("[data-job-rows]").inner_text()
        # Later, from the menu: 下载中心 lists the export; its link downloads the file.
        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="下载中心").click()
        page.wait_for_url("**/downloads/")
        row = page.get_by_test_id("job-row").first
        assert "新媒体账号信息" in row.inner_text()
        with page.expect_download() as info:
            row.get_by_role("link", name="下载文件").click()
        content = open(info.value.path(), "rb").read()
    finally:
        lock.rollback()
        lock.close()
        stop_worker(worker)
    assert info.value.suggested_filename.startswith("新媒体账号信息-")
    sheet = load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    names = sorted(r[header.index("名称")] for r in sheet.iter_rows(min_row=2, values_only=True))
    assert names == sorted(["=和平微博"] + [f"上庄B站{i}" for i in range(1, 8)])  # the whole country
    cell = next(c for c in sheet.iter_rows(min_row=2) for c in [c[header.index("名称")]] if c.value == "=和平微博")
    assert cell.data_type == "s"
