"""Browser journey: a filer unit uploads a 批量导入 file, watches the check job's progress page
(排队中 until a real worker process takes it), sees 校验通过 appear by itself, clicks 提交, and
lands on the list with the success message once the write job is done."""
import pytest

from accounts_media.models import MediaAccount, Status
from tests.accounts_media.test_import import bili, filled
from tests.browser.conftest import log_in
from tests.conftest import requires_postgres
from tests.factories import PASSWORD, make_filer, make_small_tree
from tests.jobs_helpers import start_worker, stop_worker

pytestmark = [pytest.mark.browser, requires_postgres, pytest.mark.django_db(transaction=True)]


def test_an_import_is_checked_and_written_by_jobs_with_the_page_following_them(page, tmp_path):
    tree = make_small_tree()
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", 1)
    path = tmp_path / "导入.xlsx"
    path.write_bytes(filled([bili(i) for i in range(1, 4)]))
    log_in(page, "填报单位", filer.code, PASSWORD)
    page.wait_for_url("**/media/")
    page.goto("/media/import/")
    page.locator("#import-file").set_input_files(str(path))
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_url("**/media/import/job/*/")
    box = page.locator("[data-job-progress]")
    assert "排队中" in box.locator("[data-job-status]").inner_text()  # no worker yet
    assert box.locator(".progress").get_attribute("aria-label") == "导入进度"
    worker = start_worker()
    try:
        page.get_by_test_id("import-ok").wait_for(timeout=60_000)  # the page reloaded with the result
        assert "校验通过：共 3 个新媒体账号" in page.get_by_test_id("import-ok").inner_text()
        assert MediaAccount.objects.count() == 0
        page.get_by_role("button", name="提交", exact=True).click()
        page.wait_for_url("**/media/?tab=submitted", timeout=60_000)
        assert "导入成功：3 个账号已提交，等待审核" in page.locator(".messages").inner_text()
    finally:
        stop_worker(worker)
    assert set(MediaAccount.objects.values_list("status", flat=True)) == {Status.ADD_PENDING}
