"""The county's quarterly self-check in the browser: 海淀区 opens the quarter, 上庄镇 fills and
reports its 检查结果信息表, 海淀区 returns it once, accepts the corrected one and reports upward,
北京市 sees 海淀区 reported."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_filer, make_org_user, make_small_tree, make_website

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_self_check_returned_once_accepted_and_reported_upward(page):
    from tests.accounts_media.conftest import normal_account

    tree = make_small_tree()
    users = {code: make_org_user(tree[code]) for code in ("GB0000", "110000", "110108")}
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", 1).user
    chain = {"shangzhuang": filer, "haidian": users["110108"], "beijing": users["110000"]}
    normal_account(chain, name="上庄发布")
    make_website(tree["110108"], "上庄镇政府网", sponsor="海淀区上庄镇政府", site_code="1101080001")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    page.on("dialog", lambda d: d.accept())  # every data-confirm step is confirmed

    log_in(page, "组织单位", "110108", PASSWORD)
    page.get_by_role("link", name="检查结果信息表").click()
    page.locator("#id_year").fill(str(today.year))
    page.locator("#id_quarter").select_option(str(quarter))
    page.locator("#id_due_2").fill((today + timedelta(days=10)).isoformat())
    page.locator("#id_due_filer").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="发起检查").click()
    assert "海淀区上庄镇政府" in page.get_by_test_id("pending").inner_text()
    page.get_by_role("button", name="退出").click()

    log_in(page, "填报单位", "110108M001", PASSWORD)
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
    assert "上庄镇文旅" in page.get_by_test_id("unregistered").inner_text()
    page.get_by_role("button", name="报送上级").click()
    assert page.get_by_test_id("sheet-status").inner_text() == "已报送待审核"
    assert page.get_by_test_id("rate").inner_text() == "50.00"
    page.get_by_role("button", name="退出").click()

    log_in(page, "组织单位", "110108", PASSWORD)
    page.goto(f"/self-checks/{today.year}/{quarter}/")
    page.locator("tr[data-unit='海淀区上庄镇政府']").get_by_role("link", name="审核").click()
    page.locator("#id_reason").fill("请补充未备案账号的处理情况")
    page.get_by_role("button", name="退回").click()
    assert page.get_by_test_id("sheet-status").inner_text() == "已退回"
    page.get_by_role("button", name="退出").click()

    log_in(page, "填报单位", "110108M001", PASSWORD)
    page.get_by_role("link", name="检查结果信息表").click()
    assert "请补充未备案账号的处理情况" in page.get_by_test_id("own-sheets").inner_text()
    page.get_by_role("link", name="填写").click()
    assert "请补充未备案账号的处理情况" in page.get_by_test_id("return-reason").inner_text()
    page.get_by_role("button", name="报送上级").click()
    assert page.get_by_test_id("sheet-status").inner_text() == "已报送待审核"
    page.get_by_role("button", name="退出").click()

    log_in(page, "组织单位", "110108", PASSWORD)
    page.goto(f"/self-checks/{today.year}/{quarter}/")
    page.locator("tr[data-unit='海淀区上庄镇政府']").get_by_role("link", name="审核").click()
    page.get_by_role("button", name="审核通过").click()
    assert page.get_by_test_id("sheet-status").inner_text() == "已审核"
    page.goto(f"/self-checks/{today.year}/{quarter}/")
    page.get_by_role("link", name="本单位检查结果").click()
    page.locator("#id_filler_name").fill("王区")
    page.locator("#id_filler_phone").fill("010-88888888")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("button", name="报送上级").click()
    assert page.get_by_test_id("sheet-status").inner_text() == "已报送待审核"
    page.get_by_role("button", name="退出").click()

    log_in(page, "组织单位", "110000", PASSWORD)
    page.get_by_role("link", name="检查结果信息表").click()
    page.get_by_role("link", name=f"{today.year}年第{quarter}季度").click()
    row = page.locator("tr[data-unit='海淀区']")
    assert "已报送待审核" in row.inner_text() and "50.00" in row.inner_text()
