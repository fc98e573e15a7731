"""The website journey of issue 9 in Chromium, with the clock held before 16:00."""
from datetime import timedelta

import re

import pytest
from django.utils import timezone as django_timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY_10AM = django_timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)


class Frozen:
    """`django.utils.timezone` for the website rules, with `now` held at 10:00 today."""

    @staticmethod
    def now():
        return TODAY_10AM

    @staticmethod
    def localtime(value=None):
        return django_timezone.localtime(value or TODAY_10AM)

    @staticmethod
    def localdate(value=None):
        return django_timezone.localtime(value or TODAY_10AM).date()


def test_apply_review_job_and_operator_change(page, monkeypatch):
    from websites import services
    from websites.models import COLUMN_CATEGORIES, Website

    monkeypatch.setattr("websites.services.timezone", Frozen)
    monkeypatch.setattr("websites.workflow.timezone", Frozen)
    tree = make_small_tree()
    for code in ("110000", "110108"):
        make_org_user(tree[code])

    # The public applies for a site hanging under 海淀区.
    page.goto("/")
    page.get_by_role("link", name="新增网站").click()
    # Each step loaded, scripts included: the org code is looked up as it is typed (app.js), and
    # 提交 asks its confirmation (preflight.js); a page.once handler left unused would answer the
    # next dialog twice.
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="继续").click()
    page.locator("#id_name").fill("海淀区人民政府网")
    page.locator("#id_homepage").fill("https://www.bjhd.gov.cn")
    page.locator("#id_org_code").fill("110108")
    page.locator("[data-level='1']", has_text="海淀区").wait_for()
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="下一步").click()
    for field, value in [("sponsor", "北京市海淀区人民政府办公室"), ("operator_unit", "海淀区政务服务管理局"),
                         ("icp_number", "京ICP备05013424号"), ("head_name", "王主任"), ("head_title", "主任"),
                         ("head_mobile", "13811112222"), ("contact_name", "李联系"), ("contact_title", "科员"),
                         ("contact_mobile", "13933334444"), ("contact_email", "web@bjhd.gov.cn")]:
        page.locator(f"#id_{field}").fill(value)
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="提交").click()
    tracking = page.get_by_test_id("tracking-code").inner_text().strip()
    assert len(tracking) == 12

    # 海淀区 submits and approves (已审核); 北京市 approves (已办结).
    log_in(page, "组织单位", "110108", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="政府网站", exact=True).click()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="当页数据全部提交（1）").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="当页数据全部审核（1）").click()
    expect(page.locator("tbody tr", has_text="海淀区人民政府网")).to_contain_text("已审核")
    page.get_by_role("button", name="退出").click()
    log_in(page, "组织单位", "110000", PASSWORD)
    page.goto("/websites/review/")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="当页数据全部审核（1）").click()
    expect(page.locator("tbody tr", has_text="海淀区人民政府网")).to_contain_text("已办结")
    page.get_by_role("button", name="退出").click()

    # Before 16:00 the tracking page says the code comes today; the job runs; the codes show once.
    page.goto("/websites/progress/")
    page.locator("#id_tracking_code").fill(tracking)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("progress")).to_contain_text("审核通过，网站标识码还未生成，将于今天生成")
    assert services.generate_site_codes(now=TODAY_10AM.replace(hour=16)) == 1
    page.locator("#id_tracking_code").fill(tracking)
    page.get_by_role("button", name="查询").click()
    site_code = page.get_by_test_id("site-code").inner_text()
    verification = page.get_by_test_id("verification").inner_text()
    assert site_code == "1101080001"

    # The operator logs in with them and changes a 栏目: a bad URL first, refused.
    log_in(page, "填报单位", site_code, verification)
    page.wait_for_url("**/websites/mine/")
    # The form loaded, scripts included: its 提交 is checked by the server first (preflight.js).
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="基本信息修改").click()
    for index, _ in enumerate(COLUMN_CATEGORIES):
        page.locator(f"#id_col_names_{index}").fill("无")
        page.locator(f"#id_col_urls_{index}").fill("无")
    page.locator("#id_col_names_0").fill("机构概况")
    page.locator("#id_col_urls_0").fill("bjhd gov cn/gk")
    page.on("dialog", lambda dialog: dialog.accept())  # 提交 asks for a confirmation (issue 30)
    page.get_by_role("button", name="提交").click()
    page.get_by_text("不是正确的网址").wait_for()  # checked before the confirmation, shown in place
    page.locator("#id_col_urls_0").fill("https://www.bjhd.gov.cn/gk")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("operator-status")).to_have_text(re.compile(r"^\s*修改未审核"))
    page.get_by_role("button", name="退出").click()

    log_in(page, "组织单位", "110108", PASSWORD)
    page.goto("/websites/review/")
    # The page loaded, scripts included: 办结修改审核通过 is checked by the server first (preflight.js).
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("tbody tr", has_text="海淀区人民政府网").get_by_role("link", name="查看").click()
    expect(page.get_by_test_id("site-changes")).to_contain_text("机构概况")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="办结修改审核通过").click()
    page.wait_for_url("**/websites/review/")
    site = Website.objects.get()
    assert site.filing == "done" and site.columns["概况信息"]["names"] == "机构概况"
    assert timedelta(0) <= site.final_approved_at - TODAY_10AM < timedelta(seconds=1)
