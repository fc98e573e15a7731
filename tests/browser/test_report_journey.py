import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_beijing_reports_a_quarter_and_gb_reads_it(page, tmp_path):
    from tests.accounts_media.conftest import normal_account

    tree = make_small_tree()
    users = {code: make_org_user(tree[code]) for code in ("GB0000", "110000", "110108")}
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    chain = {"shangzhuang": filer, "haidian": users["110108"], "beijing": users["110000"]}
    accounts = [normal_account(chain, name=f"抽查账号{i}", account_type="BL", wechat_kind="",
                               url=f"https://space.bilibili.com/{700 + i}", platform_id=str(700 + i)) for i in range(3)]
    docx = tmp_path / "第三季度报告.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")

    log_in(page, "组织单位", "110000", PASSWORD)
    page.get_by_role("link", name="上报抽查情况").click()
    page.locator("#new-year").fill("2026")
    page.locator("#new-quarter").select_option("3")
    page.get_by_role("button", name="新建季度报告").click()
    page.locator("#id_filler_name").fill("张填表")
    page.locator("#id_filler_phone").fill("010-65190000")
    page.get_by_role("button", name="保存").click()
    for index, account in enumerate(accounts):
        page.locator("#item-account").fill(account.media_code)
        if index == 2:
            page.get_by_label("不合格").check()
            page.get_by_label("监测时间点前2周无更新").check()
            page.locator("#item-rect").fill("已督促更新")
        page.get_by_role("button", name="添加检查结果").click()
    expect(page.get_by_test_id("rate")).to_have_text("66.67")
    page.locator("#document").set_input_files(str(docx))
    with page.expect_navigation(wait_until="domcontentloaded"):  # loaded, scripts included: 提交 asks its confirmation (preflight.js)
        page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_test_id("document")).to_have_text("第三季度报告.docx")
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation(wait_until="domcontentloaded"):  # the submitted report loaded in full before reading what it lacks
        page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交")
    assert page.get_by_role("button", name="添加检查结果").count() == 0
    page.get_by_role("button", name="退出").click()

    log_in(page, "组织单位", "GB0000", PASSWORD)
    page.goto("/spot-checks/overview/?year=2026&quarter=3&kind=media")
    row = page.locator("tr[data-unit='110000']")
    assert "66.67" in row.inner_text() and "已提交" in row.inner_text()
    assert "天津市（120000）" in page.get_by_test_id("missing").inner_text()
    with page.expect_download() as info:
        row.get_by_role("link", name="季度报告").click()
    assert info.value.suggested_filename == "第三季度报告.docx"
