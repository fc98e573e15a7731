"""Validation before confirmation in Chromium (issue 30): 确定 on an empty or wrong review form
shows the errors beside their fields and no dialog; once the server would accept it the dialog
asks, then the review is applied once. The page with its errors shown passes axe."""
import pytest

from accounts_media.models import MediaAccount
from reviews.models import JournalEntry
from tests.accounts_media.conftest import submit
from tests.browser.everyday_helpers import screenshot, signed_in_context
from tests.browser.test_accessibility import AXE, RUN_AXE
from tests.factories import make_filer, make_org_user, make_small_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_or_wrong_review_shows_its_errors_in_place_and_no_dialog(browser, live_server):
    tree = make_small_tree()
    reviewer = make_org_user(tree["110108"])
    account = submit(make_filer(tree["110108"], "海淀区上庄镇政府", 1).user)
    context = signed_in_context(browser, live_server, reviewer, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.goto(f"/media/{account.pk}/review/")
    page.evaluate("window.__samePage = true")

    page.get_by_role("button", name="确定").click()
    errors = page.locator("[data-preflight-error]")
    errors.first.wait_for()
    assert set(errors.evaluate_all("els => els.map(e => e.getAttribute('data-preflight-error'))")) == {
        "result", "reviewer_name", "reviewer_phone"}
    assert page.locator("[data-preflight-error=result]").inner_text() == "请选择审核结果"
    assert page.locator("#id_reviewer_phone").get_attribute("aria-invalid") == "true"
    assert page.evaluate("window.__samePage") is True and dialogs == []  # in place: no reload, no dialog
    screenshot(page, "preflight-review-errors")
    page.add_script_tag(path=AXE)
    assert page.evaluate(RUN_AXE) == []

    # Filled, but a phone the server refuses: only that error, still no dialog.
    page.get_by_label("同意添加").check()
    page.locator("#id_reviewer_name").fill("王审核")
    page.locator("#id_reviewer_phone").fill("12")
    page.get_by_role("button", name="确定").click()
    page.wait_for_function("() => { const e = document.querySelectorAll('[data-preflight-error]');"
                           " return e.length === 1 && e[0].getAttribute('data-preflight-error') === 'reviewer_phone'; }")
    assert dialogs == [] and MediaAccount.objects.get(pk=account.pk).reviewer.code == "110108"

    # Right: the dialog asks once, then the review is applied once.
    page.locator("#id_reviewer_phone").fill("18812348822")
    page.get_by_role("button", name="确定").click()
    page.wait_for_url("**/media/?*tab=pending*")
    assert dialogs == ["审核提交后，无法修改。确定提交审核结果吗？"]
    assert MediaAccount.objects.get(pk=account.pk).reviewer.code == "110000"
    assert JournalEntry.objects.filter(subject_type="media_account", subject_id=account.pk, action="approve_add").count() == 1
    context.close()
