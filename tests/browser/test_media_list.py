import io

import pytest
from playwright.sync_api import expect
from openpyxl import load_workbook

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_choose_columns_tick_two_and_export_them(page):
    from accounts_media.services import create_many
    from tests.accounts_media.conftest import account_data

    tree = make_small_tree()
    make_org_user(tree["110000"])
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    rows = [account_data(account_type="BL", wechat_kind="", url=f"https://space.bilibili.com/{i}", platform_id=str(i),
                         name=f"上庄B站{i}") for i in range(1, 6)]
    rows.append(account_data(account_type="WB", wechat_kind="", url="https://weibo.com/u/2265830070",
                             platform_id="2265830070", name="上庄微博"))
    create_many(filer, "submit", rows)

    log_in(page, "组织单位", "110000", PASSWORD)
    page.wait_for_url("**/media/")
    # Filter by type: the query string carries it (bookmarkable).
    page.locator("#id_account_type").select_option("BL")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**account_type=BL**")
    assert page.locator("tbody tr").count() == 5
    # Choose columns: 名称 and 开设主体 only (plus what cannot be hidden).
    page.get_by_role("button", name="显示字段").click()
    chooser = page.locator("form.column-chooser")
    for box in chooser.locator("input[type=checkbox]").all():
        box.uncheck()
    chooser.get_by_label("名称", exact=True).check()
    chooser.get_by_label("开设主体", exact=True).check()
    chooser.get_by_role("button", name="确定").click()
    # The list as it comes back (all_inner_texts() does not wait: it read the page being replaced).
    expect(page.locator("table thead th")).to_have_text(["", "序号", "名称", "开设主体", "操作"], use_inner_text=True)
    # Still chosen after logging out and in again.
    page.get_by_role("button", name="退出").click()
    log_in(page, "组织单位", "110000", PASSWORD)
    page.wait_for_url("**/media/")
    assert [h.strip() for h in page.locator("table thead th").all_inner_texts()] == ["", "序号", "名称", "开设主体", "操作"]
    # Tick two rows, 仅导出所选项, open the file.
    page.goto("/media/?account_type=BL")
    page.get_by_role("button", name="导出").click()
    assert page.get_by_test_id("export-selected").is_disabled()
    ticked = []
    for row in page.locator("tbody tr").all()[:2]:
        row.locator("input[data-select-row]").check()
        ticked.append(row.locator("td").nth(2).inner_text().strip())
    page.get_by_role("button", name="导出").click()
    with page.expect_download() as info:
        page.get_by_test_id("export-selected").click()
    download = info.value
    assert download.suggested_filename == "新媒体账号信息.xlsx"
    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    header = [c.value for c in ws[1]]
    exported = sorted(r[header.index("名称")] for r in ws.iter_rows(min_row=2, values_only=True))
    assert exported == sorted(ticked)
