"""The quarterly self-check in the browser, as the county notice runs it: 北京市 opens Q1 for its
subtree, 海淀区 opens it for its own with earlier dates, 上庄镇 fills and reports its 检查结果信息表
(one 不合格 row, one unregistered account), 海淀区 returns it once, accepts the corrected one and
reports upward; after 朝阳区's 截止日期 北京市 sees 海淀区 reported and 朝阳区 overdue, accepts and
reports to GB; GB's quarter overview shows 北京市's figures; 海淀区 downloads the 通报 .docx and
sends it, edited, as a notice. The clock is moved (Beijing dates of Q1 2026)."""
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import make_filer, make_org_user, make_small_tree, make_website
from tests.jobs_helpers import run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def docx_text(path) -> tuple[str, list]:
    from docx import Document

    doc = Document(path)
    return "\n".join(p.text for p in doc.paragraphs), [[c.text for c in r.cells] for t in doc.tables for r in t.rows]


@time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
def test_county_self_check_returned_once_accepted_and_reported_upward(page):
    from tests.accounts_media.conftest import normal_account

    tree = make_small_tree()
    users = {code: make_org_user(tree[code]) for code in ("GB0000", "110000", "110108", "110105")}
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    chain = {"shangzhuang": filer, "haidian": users["110108"], "beijing": users["110000"]}
    normal_account(chain, name="上庄发布")
    make_website(tree["110108"], "上庄镇政府网", sponsor="海淀区上庄镇政府", site_code="1101080001")
    quarter = 1
    page.on("dialog", lambda d: d.accept())  # every data-confirm step is confirmed

    # 北京市 opens Q1 for its subtree: districts by 03-20, itself to GB by 03-25.
    sign_in(page, "110000")
    page.get_by_role("link", name="检查结果信息表").click()
    page.locator("#id_year").fill("2026")
    page.locator("#id_quarter").select_option("1")
    page.locator("#id_due_1").fill("2026-03-25")
    page.locator("#id_due_2").fill("2026-03-20")
    page.locator("#id_due_filer").fill("2026-03-17")
    page.get_by_role("button", name="发起检查").click()
    page.wait_for_url("**/self-checks/2026/1/")
    run_queued_jobs()  # 发起检查 is a job: the worker makes the sheets
    # The page follows the job and reloads itself when it is done (a reload of ours could collide
    # with it): the reloaded page has no progress box any more.
    expect(page.locator("[data-job-progress]")).to_have_count(0)
    page.get_by_test_id("children").filter(has_text="朝阳区").wait_for()
    page.get_by_role("button", name="退出").click()

    # 海淀区 opens it for its own subtree, asking its towns earlier (the county notice: 3月17日前).
    sign_in(page, "110108")
    page.get_by_role("link", name="检查结果信息表").click()
    page.locator("#id_year").fill("2026")
    page.locator("#id_quarter").select_option("1")
    page.locator("#id_due_2").fill("2026-03-16")
    page.locator("#id_due_filer").fill("2026-03-12")
    page.get_by_role("button", name="发起检查").click()
    page.wait_for_url("**/self-checks/2026/1/")
    run_queued_jobs()
    # 海淀区上庄镇政府's row is there before the reload (北京市's round made its sheet): wait for the
    # page's own reload, not for the row, or 退出 collides with it.
    expect(page.locator("[data-job-progress]")).to_have_count(0)
    page.get_by_test_id("children").filter(has_text="海淀区上庄镇政府").wait_for()
    page.get_by_role("button", name="退出").click()

    sign_in(page, "110108M001")
    page.get_by_role("link", name="检查结果信息表").click()
    assert "待报送" in page.get_by_test_id("own-sheets").inner_text()
    page.get_by_role("link", name="填写").click()
    account, site = page.locator("tr[data-row='上庄发布']"), page.locator("tr[data-row='上庄镇政府网']")
    account.get_by_label("不合格", exact=True).check()
    account.get_by_label("监测时间点前2周无更新").check()
    account.get_by_label("整改情况").fill("已督促更新")
    site.get_by_label("合格", exact=True).check()
    page.locator("#id_filler_name").fill("李洋")
    page.locator("#id_filler_phone").fill("010-62345678")
    page.get_by_role("button", name="保存", exact=True).click()
    page.locator("#id_type_label").select_option("抖音")
    page.locator("#id_un_name").fill("上庄镇文旅")
    page.locator("#id_un_link").fill("https://www.douyin.com/user/abc")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("unregistered")).to_contain_text("上庄镇文旅")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_test_id("sheet-status")).to_have_text("已报送待审核")
    expect(page.get_by_test_id("rate")).to_have_text("50.00")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "110108")
    page.goto(f"/self-checks/2026/{quarter}/")
    page.locator("tr[data-unit='海淀区上庄镇政府']").get_by_role("link", name="审核").click()
    page.get_by_placeholder("退回原因").fill("请补充未备案账号的处理情况")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("sheet-status")).to_have_text("已退回")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "110108M001")
    page.get_by_role("link", name="检查结果信息表").click()
    assert "请补充未备案账号的处理情况" in page.get_by_test_id("own-sheets").inner_text()
    page.get_by_role("link", name="填写").click()
    assert "请补充未备案账号的处理情况" in page.get_by_test_id("return-reason").inner_text()
    unregistered = page.locator("tr[data-unregistered='上庄镇文旅']")
    unregistered.get_by_label("处理情况").fill("已通知开设单位去备案")
    unregistered.get_by_role("button", name="保存处理情况").click()
    expect(page.locator("tr[data-unregistered='上庄镇文旅'] input[name='rectification']")).to_have_value("已通知开设单位去备案")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_test_id("sheet-status")).to_have_text("已报送待审核")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "110108")
    page.goto(f"/self-checks/2026/{quarter}/")
    page.locator("tr[data-unit='海淀区上庄镇政府']").get_by_role("link", name="审核").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("sheet-status")).to_have_text("已审核")
    page.goto(f"/self-checks/2026/{quarter}/")
    page.get_by_role("link", name="本单位检查结果").click()
    page.locator("#id_filler_name").fill("王区")
    page.locator("#id_filler_phone").fill("010-88888888")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("button", name="报送上级").click()
    expect(page.get_by_test_id("sheet-status")).to_have_text("已报送待审核")
    page.get_by_role("button", name="退出").click()

    # After 朝阳区's 截止日期: 北京市 sees 海淀区 reported with its figures and 朝阳区 overdue.
    with time_machine.travel(datetime(2026, 3, 21, 9, 0, tzinfo=SHANGHAI)):
        sign_in(page, "110000")
        page.get_by_role("link", name="检查结果信息表").click()
        with page.expect_navigation(wait_until="domcontentloaded"):  # the whole table loaded: all_inner_texts() does not wait
            page.get_by_test_id("quarters").get_by_role("link", name="2026年第1季度").click()
        row = page.locator("[data-testid='children'] tr[data-unit='海淀区']")
        assert row.locator("td").all_inner_texts()[2:9] == ["2", "2", "0", "0", "2", "1", "50.00"]
        chaoyang = page.locator("[data-testid='children'] tr[data-unit='朝阳区']")
        assert chaoyang.get_by_test_id("overdue").inner_text() == "1"
        assert "已逾期" in page.locator(".list-table tr", has_text="朝阳区").inner_text()
        page.locator(".list-table").get_by_role("link", name="审核").click()
        page.get_by_role("button", name="审核通过").click()
        expect(page.get_by_test_id("sheet-status")).to_have_text("已审核")
        page.goto("/self-checks/2026/1/")
        page.get_by_role("link", name="本单位检查结果").click()
        page.locator("#id_filler_name").fill("赵市")
        page.locator("#id_filler_phone").fill("010-66666666")
        page.get_by_role("button", name="保存", exact=True).click()
        page.get_by_role("button", name="报送上级").click()
        expect(page.get_by_test_id("unreported")).to_contain_text("朝阳区")  # reported upward only once confirmed
        page.get_by_role("button", name="仍然报送上级").click()
        expect(page.get_by_test_id("sheet-status")).to_have_text("已报送待审核")
        expect(page.get_by_test_id("rate")).to_have_text("50.00")
        page.get_by_role("button", name="退出").click()

        # GB's overview of the quarter: 北京市 reported, with its subtree's figures.
        sign_in(page, "GB0000")
        page.goto("/self-checks/2026/1/")
        beijing = page.locator("[data-testid='children'] tr[data-unit='北京市']")
        cells = beijing.locator("td").all_inner_texts()
        assert cells[2:9] == ["4", "3", "0", "1", "2", "1", "50.00"]
        # 北京市's own sheet (its name in 单位名称, not a child's row naming it as 所属组织单位)
        own = page.locator(".list-table tbody tr").filter(has=page.locator("td:nth-child(3)", has_text=re.compile(r"^北京市$")))
        assert "已报送待审核" in own.inner_text()
        page.get_by_role("button", name="退出").click()

        # 海淀区 downloads its 通报 .docx, then sends it, edited, to its units as a notice.
        sign_in(page, "110108")
        page.goto("/self-checks/2026/1/")
        page.get_by_role("link", name="季度通报").click()
        with page.expect_download() as download:
            page.get_by_role("link", name="下载通报（.docx）").click()
        text, cells = docx_text(io.BytesIO(open(download.value.path(), "rb").read()))
        assert "关于2026年第1季度政府网站和政务新媒体检查情况的通报" in text
        assert "共检查政府网站和政务新媒体 2 个，不合格 1 个，合格率 50.00%；检查中发现未备案账号 1 个" in text
        assert any(r[0] == "海淀区上庄镇政府" and r[2:] == ["上庄发布", "监测时间点前2周无更新", "已督促更新"] for r in cells)
        assert ["海淀区上庄镇政府", "抖音", "上庄镇文旅", "https://www.douyin.com/user/abc", "已通知开设单位去备案"] in cells
        page.get_by_role("button", name="生成通报").click()
        page.get_by_label("标题").fill("海淀区2026年第一季度检查通报")
        body = page.get_by_label("正文")
        assert "合格率 50.00%" in body.input_value()
        body.fill("各镇街、区政府各部门：\n上庄镇须在一周内完成整改。")
        page.get_by_role("button", name="保存").click()
        page.get_by_role("button", name="下发").click()
        expect(page.get_by_test_id("notice-status")).to_have_text("已下发")
        expect(page.get_by_test_id("attachment")).to_have_text("海淀区2026年第一季度检查通报.docx")
        page.get_by_role("button", name="退出").click()

        sign_in(page, "110108M001")
        assert page.get_by_test_id("menu-unread").inner_text() == "1"
        page.get_by_role("link", name="检查通报", exact=True).click()
        page.locator("tr[data-notice='海淀区2026年第一季度检查通报']").get_by_role("link", name="查看").click()
        with page.expect_download() as download:
            page.get_by_test_id("attachment").click()
        text, _ = docx_text(io.BytesIO(open(download.value.path(), "rb").read()))
        assert "上庄镇须在一周内完成整改" in text and "海淀区2026年第一季度检查通报" in text
        assert page.get_by_test_id("menu-unread").count() == 0


def test_a_county_notice_reaches_a_towns_filer_unit_unread_until_opened(page):
    tree = make_small_tree()
    make_org_user(tree["110108"])
    make_filer(tree["110108"], "海淀区上庄镇政府", 1)
    make_filer(tree["110105"], "朝阳区商务局", 1)
    page.on("dialog", lambda d: d.accept())

    sign_in(page, "110108")
    page.get_by_role("link", name="待核查账号").click()
    page.get_by_role("link", name="新建通知").click()
    page.get_by_label("标题").fill("关于开展2026年第一季度政府网站和政务新媒体检查工作的通知")
    page.get_by_label("菜单名称").fill("检查通知")
    page.get_by_label("正文").fill("各镇人民政府、街道办事处，区政府各部门：请于3月17日前报送检查结果信息表。")
    page.get_by_label("全部直属下级单位").check()
    page.get_by_role("button", name="保存").click()
    page.locator("#attach-file").set_input_files({"name": "检查结果信息表.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"})
    page.get_by_role("button", name="上传附件").click()
    page.get_by_role("button", name="下发").click()
    expect(page.get_by_test_id("notice-status")).to_have_text("已下发")
    expect(page.locator("[data-testid='receipts'] tr[data-unit='海淀区上庄镇政府']")).to_contain_text("未查看")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "110108M001")
    assert page.get_by_test_id("menu-unread").inner_text() == "1"
    assert "1 份未读通知" in page.get_by_test_id("home-unread").inner_text()
    page.get_by_role("link", name="检查通知", exact=True).click()
    row = page.locator("tr[data-notice='关于开展2026年第一季度政府网站和政务新媒体检查工作的通知']")
    assert "未读" in row.get_by_test_id("read-state").inner_text()
    row.get_by_role("link", name="查看").click()
    assert "3月17日前" in page.get_by_test_id("notice-body").inner_text()
    assert page.get_by_test_id("menu-unread").count() == 0
    page.goto("/media/")
    assert page.get_by_test_id("home-unread").count() == 0
    page.get_by_role("link", name="检查通知", exact=True).click()
    assert page.locator("tr[data-notice='关于开展2026年第一季度政府网站和政务新媒体检查工作的通知']").get_by_test_id(
        "read-state").inner_text() == "已读"
    page.get_by_role("button", name="退出").click()

    # 朝阳区's filer unit, in the next district, has nothing.
    sign_in(page, "110105M001")
    assert page.get_by_test_id("menu-unread").count() == 0
    page.get_by_role("link", name="待核查账号").click()
    assert "暂无通知" in page.get_by_test_id("notices").inner_text()
    page.get_by_role("button", name="退出").click()

    sign_in(page, "110108")
    page.get_by_role("link", name="待核查账号").click()
    with page.expect_navigation(wait_until="domcontentloaded"):  # the receipts loaded in full before reading what they lack
        page.get_by_role("link", name="查看").click()
    assert "未查看" not in page.locator("[data-testid='receipts'] tr[data-unit='海淀区上庄镇政府']").inner_text()
