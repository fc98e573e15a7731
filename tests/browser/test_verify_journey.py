"""官方账号查询 in Chromium: from the login page, a name, the 是否要找 list, the printable page
with its QR code, and no browser-side error (CSP included)."""
import pytest
from playwright.sync_api import expect

from tests.verify.conftest import pingan  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_checks_pingan_beijing(page, pingan, settings):  # noqa: F811  (the imported fixture)
    settings.PUBLIC_CAPTCHA_AFTER = 100
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/")
    page.get_by_role("link", name="官方账号查询").click()
    page.get_by_label("链接或名称").fill("平安北京")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("answer-text")).to_have_text("是政务新媒体账号")
    similar = page.get_by_test_id("similar")
    expect(similar).to_contain_text("平安北京朝阳")
    expect(similar).to_contain_text("已关停")

    page.get_by_label("链接或名称").fill("https://m.weibo.cn/u/1669879400?luicode=10000011")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("answer-text")).to_have_text("已关停")  # the next answer, not the one on screen

    page.get_by_label("链接或名称").fill("平安北京")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("answer-text")).to_have_text("是政务新媒体账号")
    page.get_by_test_id("record").get_by_role("link").click()
    expect(page.get_by_role("heading", name="平安北京")).to_be_visible()
    qr = page.get_by_test_id("qr")
    qr.wait_for()
    # The QR loads after the page (a second request): wait for it rather than read it at once.
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=15000)
    assert page.get_by_role("button", name="打印").is_visible()
    assert errors == []
