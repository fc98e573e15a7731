import re

import pytest
from playwright.sync_api import expect

from accounts import sms
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_filer_then_first_login_with_sms_then_password_change(page):
    tree = make_small_tree()
    make_org_user(tree["110000"])
    sms.outbox.clear()

    # 北京市 adds a filer unit attached to 海淀区 (市直).
    log_in(page, "组织单位", "110000", PASSWORD)
    page.wait_for_url("**/media/")
    page.get_by_role("link", name="填报单位用户管理").click()
    # The form loaded, scripts included: the tier chosen loads its units (app.js).
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="添加").click()
    expect(page.get_by_text("填报单位隶属于哪一级组织单位管理信息很重要")).to_be_visible()
    page.get_by_label("市直").check()
    page.locator("#id_org_unit option[value='110108']").wait_for(state="attached")
    page.get_by_label("隶属组织单位").select_option("110108")
    page.get_by_label("填报单位名称").fill("海淀区上庄镇政府")
    page.get_by_role("button", name="确定").click()
    code = page.get_by_test_id("new-code").inner_text().strip()
    password = page.get_by_test_id("new-password").inner_text().strip()
    assert code == "110108M001"
    page.get_by_role("link", name="返回列表").click()
    expect(page.locator("code.initial-password", has_text=password)).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # The new unit logs in: it must change the initial password first (decision 0025), then, signed
    # in again with the new one, fill in 单位信息 with an SMS code.
    log_in(page, "填报单位", code, password)
    page.wait_for_url("**/settings/password/")
    assert page.get_by_text("首次登录，请先修改初始密码").is_visible()
    page.goto("/media/")
    page.wait_for_url("**/settings/password/")  # nothing else opens first
    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Shangzhuang#2026")
    page.locator("#id_new_password2").fill("Shangzhuang#2026")
    page.get_by_role("button", name="确定").click()
    page.get_by_text("密码修改成功，请使用新密码重新登录").wait_for()
    log_in(page, "填报单位", code, "Shangzhuang#2026")
    page.wait_for_url("**/settings/unit/")
    assert page.get_by_text("初次登录请先补填").is_visible()
    page.goto("/media/")
    page.wait_for_url("**/settings/unit/")  # nothing else opens first
    for label, value in [("head_name", "王强"), ("head_title", "主任"), ("head_mobile", "13811112222"),
                         ("head_landline", "010-62345678"), ("contact_name", "赵敏"), ("contact_title", "干部"),
                         ("contact_mobile", "13933334444")]:
        page.locator(f"#id_{label}").fill(value)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    assert re.match(r"重新获取\d+s", page.locator("[data-sms-button]").inner_text())
    assert page.locator("[data-sms-button]").is_disabled()
    sms_code = re.search(r"\d{6}", sms.outbox[-1].message).group(0)
    assert sms.outbox[-1].mobile == "13933334444"
    page.get_by_label("手机验证码").fill(sms_code)
    page.get_by_role("button", name="确定").click()
    page.wait_for_url("**/media/")
    assert page.get_by_text("填报单位信息已保存").is_visible()

    # A later change from 用户设置 works as before; the next login goes straight to the list.
    page.get_by_role("link", name="用户设置").click()
    page.get_by_role("link", name="修改密码").click()
    page.locator("#id_old_password").fill("Shangzhuang#2026")
    page.locator("#id_new_password1").fill("Shangzhuang#2027")
    page.locator("#id_new_password2").fill("Shangzhuang#2027")
    page.get_by_role("button", name="确定").click()
    page.get_by_text("密码修改成功，请使用新密码重新登录").wait_for()
    log_in(page, "填报单位", code, "Shangzhuang#2027")
    page.wait_for_url("**/media/")
    page.get_by_role("button", name="退出").click()

    # Back as 北京市: the password column now reads 已修改.
    log_in(page, "组织单位", "110000", PASSWORD)
    page.goto("/filer-units/")
    row = page.locator("tbody tr", has_text="110108M001")
    assert "已修改" in row.inner_text()
    assert password not in page.content()
