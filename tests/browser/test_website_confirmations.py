"""The website confirmations are asked in the browser (issue 15): 当页 buttons count the rows of the
page, 重置校验码, 驳回下线 and 办结修改审核退回 ask first and need their reason."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BASE = {"homepage": "https://x.gov.cn", "sponsor": "主办", "operator_unit": "承办", "icp_number": "京ICP备1号",
        "head_name": "王", "head_title": "主任", "head_mobile": "13800000000", "contact_name": "李", "contact_title": "科员",
        "contact_mobile": "13900000000", "contact_email": "a@b.gov.cn"}


def _apply(unit, n):
    from websites import services

    return services.apply({**BASE, "name": f"网站{n}", "homepage": f"https://s{n}.gov.cn", "org_unit": unit}, AnonymousUser())


def _registered(unit, n):
    from websites import services
    from websites.models import Website

    site = _apply(unit, n)
    Website.objects.filter(pk=site.pk).update(filing="done", reviewer=None, final_approved_at=timezone.now())
    services.generate_site_codes(now=timezone.now() + timedelta(days=1))
    site.refresh_from_db()
    return site


def _dialogs(page, answers):
    """Answer the next dialogs in turn (True: accept), keeping their messages."""
    seen = []

    def handle(dialog):
        seen.append(dialog.message)
        dialog.accept() if answers[len(seen) - 1] else dialog.dismiss()

    page.on("dialog", handle)
    return seen


def test_page_buttons_count_the_rows_of_the_filtered_page(page):
    from websites.models import Website

    tree = make_small_tree()
    make_org_user(tree["110108"])
    for n in (1, 2, 3, 11):
        _apply(tree["110108"], n)
    log_in(page, "组织单位", "110108", PASSWORD)
    page.goto("/websites/review/?q=网站1")  # 网站1 and 网站11
    seen = _dialogs(page, [False, True])
    page.get_by_role("button", name="当页数据全部提交（2）").click()
    assert Website.objects.filter(filing="reviewing").count() == 0  # dismissed: nothing
    page.get_by_role("button", name="当页数据全部提交（2）").click()
    page.get_by_text("已提交 2 个网站").wait_for()
    assert seen == ["将当页 2 个未提交的网站全部提交审核，确定吗？"] * 2
    assert set(Website.objects.filter(filing="reviewing").values_list("name", flat=True)) == {"网站1", "网站11"}
    assert page.url.endswith("/websites/review/?q=%E7%BD%91%E7%AB%991")  # still the filtered page


def test_reset_verification_and_the_reasoned_refusals_ask_first(page):
    from websites import services
    from websites.models import Website

    tree = make_small_tree()
    make_org_user(tree["110108"])
    site = _registered(tree["110108"], 1)
    old_password = site.operator_user.password
    log_in(page, "组织单位", "110108", PASSWORD)
    page.goto(f"/websites/review/{site.pk}/")
    seen = _dialogs(page, [False, True, True, True])
    page.get_by_role("button", name="重置校验码").click()
    site.operator_user.refresh_from_db()
    assert site.operator_user.password == old_password  # dismissed: the old code still works
    page.get_by_role("button", name="重置校验码").click()
    code = page.get_by_test_id("new-verification").inner_text()
    assert len(code) >= 8 and seen[:2] == ["确定重置“网站1”的校验码吗？原校验码将立即失效，新校验码只显示一次。"] * 2
    # A reload of the result page resets nothing again (issue 30): the code was shown once.
    from reviews.models import JournalEntry

    site.operator_user.refresh_from_db()
    password_after = site.operator_user.password
    page.reload()
    assert page.get_by_test_id("verification-shown-before").is_visible() and len(seen) == 2
    site.operator_user.refresh_from_db()
    assert site.operator_user.password == password_after
    assert JournalEntry.objects.filter(action="site_verification_reset", subject_id=site.pk).count() == 1

    # 驳回下线: an empty reason is stopped by the page before any dialog; then it asks.
    from websites.offline import OFFLINE_WORKFLOW

    site.refresh_from_db()
    OFFLINE_WORKFLOW.apply(site, "request_offline", site.operator_user, {"kind": "permanent", "reason": "并入平台"})
    page.goto(f"/websites/review/{site.pk}/")
    refuse = page.locator("form[data-transition='reject_offline']")
    refuse.get_by_role("button", name="驳回下线").click()
    assert len(seen) == 2 and Website.objects.get(pk=site.pk).offline_state == "pending"
    refuse.get_by_placeholder("驳回原因").fill("网站仍在使用")
    refuse.get_by_role("button", name="驳回下线").click()
    page.get_by_test_id("offline-rejection").wait_for()
    assert seen[2] == "确定驳回“网站1”的下线申请吗？"
    assert Website.objects.get(pk=site.pk).offline_state == "none"

    # 办结修改审核退回: the same.
    site.refresh_from_db()
    services.perform(site, "request_change", site.operator_user, {"sponsor": "新主办"})
    page.goto(f"/websites/review/{site.pk}/")
    back = page.locator("form[data-transition='reject_change']")
    back.get_by_role("button", name="办结修改审核退回").click()
    assert len(seen) == 3 and Website.objects.get(pk=site.pk).filing == "modifying"
    back.get_by_placeholder("退回原因").fill("主办单位应写全称")
    back.get_by_role("button", name="办结修改审核退回").click()
    page.get_by_text("办结修改审核退回。").wait_for()
    assert seen[3] == "确定办结修改审核退回吗？"
    assert Website.objects.get(pk=site.pk).filing == "modify_rejected"
