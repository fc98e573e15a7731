"""Browser journey (issue 25): GB opens a national round, which a real worker makes as a job while
the page shows its progress (已生成 N / M 份); 北京市 then drills down from its per-unit counts to
海淀区 and from there to a town's 检查结果信息表."""
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import requires_postgres
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree
from tests.jobs_helpers import start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.browser, requires_postgres, pytest.mark.django_db(transaction=True)]


def test_gb_opens_a_national_round_sees_its_progress_and_110000_drills_down_to_a_childs_sheets(page):
    from reports.models import CheckRound, CheckSheet

    tree = make_small_tree()
    for code in ("GB0000", "110000"):
        make_org_user(tree[code])
    make_filer(tree["110108"], "海淀区上庄镇政府", 1)
    make_filer(tree["110108"], "海淀区燕园街道办事处", 2)
    make_filer(tree["120101"], "和平区教育局", 1)
    today = timezone.localdate()
    due = (today + timedelta(days=20)).isoformat()
    page.on("dialog", lambda d: d.accept())
    worker = start_worker(env={**worker_env(), "JOBS_HEARTBEAT_SECONDS": "0.5"})
    lock = connections.create_connection("default")
    try:
        log_in(page, "组织单位", "GB0000", PASSWORD)
        page.goto("/self-checks/")
        for key in ("1", "2", "3", "filer"):
            page.locator(f"#id_due_{key}").fill(due)
        # Hold the filer units so the job stays in the middle of its work while we watch.
        lock.set_autocommit(False)
        with lock.cursor() as cursor:
            cursor.execute("LOCK TABLE orgtree_filerunit IN EXCLUSIVE MODE")
        page.get_by_role("button", name="发起检查").click()
        page.wait_for_url("**/self-checks/*/*/")
        assert "正在生成" in page.locator(".alert").first.inner_text()  # the page answered at once
        box = page.locator("[data-job-progress]")
        box.locator("[data-job-status]", has_text="正在生成").wait_for()  # the worker took it
        total = CheckRound.objects.get().sheets_total
        expect(box.locator("[data-job-rows]")).to_contain_text(f"/ {total} 份")
        lock.rollback()  # the round goes on; the page reloads when it is done
        page.get_by_test_id("round-status").filter(has_text="已生成").wait_for()
        assert CheckSheet.objects.count() == total == 11 + 3
        expect(page.get_by_test_id("headline")).to_contain_text(f"应报 {total} 份")
        expect(page.get_by_test_id("children")).to_contain_text("北京市")
        page.get_by_role("button", name="退出").click()

        # 北京市 reads its counts per child and drills down to 海淀区, then to a town's sheet.
        log_in(page, "组织单位", "110000", PASSWORD)
        page.goto(f"/self-checks/{today.year}/{(today.month - 1) // 3 + 1}/")
        row = page.locator("[data-testid='children'] tr[data-unit='海淀区']")
        assert row.locator("td").nth(2).inner_text() == "3"  # 应报: the district and its two towns
        with page.expect_navigation(wait_until="domcontentloaded"):  # 海淀区's page loaded in full: what it lists, and what it does not
            row.get_by_test_id("drill").click()
        expect(page.get_by_test_id("trail")).to_contain_text("海淀区")
        town = page.locator("[data-testid='children'] tr[data-unit='海淀区上庄镇政府']")
        assert "未报送" in town.inner_text()
        listed = page.locator(".list-table tbody")
        assert "海淀区燕园街道办事处" in listed.inner_text() and "和平区教育局" not in listed.inner_text()
        town.get_by_role("link", name="查看").click()
        expect(page.locator("h1")).to_contain_text("海淀区上庄镇政府")
        expect(page.locator("h1")).to_contain_text("检查结果信息表")
        expect(page.get_by_test_id("sheet-status")).to_have_text("未报送")
    finally:
        lock.rollback()
        lock.close()
        stop_worker(worker)
