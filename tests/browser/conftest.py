"""Playwright (Python) against Debian's Chromium, headless. One browser per test session;
each test gets a fresh context (cookies apart) on the live server."""
import os
import shutil

import pytest
from playwright.sync_api import expect

# expect() waits as long as a locator action does (the contexts' default timeout below), not its
# own 5 s: a slow machine's page may take longer than that to answer.
DEFAULT_TIMEOUT_MS = 15_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)

# Opt-in, to see here what a slow CI machine sees: GOVMEDIA_BROWSER_CPU_SLOWDOWN=4 runs the pages'
# parsing and scripts 4x slower (CDP Emulation.setCPUThrottlingRate), which widens the moments
# between a page's commit, its parse and its scripts where a test can race a navigation.
CPU_SLOWDOWN = float(os.environ.get("GOVMEDIA_BROWSER_CPU_SLOWDOWN") or 1)

# Debian's chromium-headless-shell (the "old" headless mode, Playwright's own choice for headless runs)
# when it is installed: the full /usr/bin/chromium in headless mode runs its browser UI's code too,
# and spent ~40 % more CPU on each page load and screenshot (docs/benchmarks.md, session 19).
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("CHROMIUM") or (HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must run the browser journeys")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.live_server_url = live_server.url  # for sign_in's cookie
    slow_down(page)
    yield page
    if os.environ.get("GOVMEDIA_SCREENSHOTS"):
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{os.environ.get('PYTEST_CURRENT_TEST', 'page').split(':')[-1].split(' ')[0]}.png", full_page=True)
    context.close()


def slow_down(page):
    """Throttle the page's CPU when GOVMEDIA_BROWSER_CPU_SLOWDOWN asks for it (a no-op otherwise)."""
    if CPU_SLOWDOWN > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def log_in(page, role_label: str, username: str, password: str):
    page.goto("/")
    page.locator("label.btn", has_text=role_label).click()
    assert page.get_by_label(role_label, exact=True).is_checked()
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    # Wait for the page the POST answers with (the form again on a failure, or the
    # redirect's target), so a caller never reads a document that is being replaced.
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def sign_in(page, username: str):
    """A journey's change of user without the login form: a session for `username` made by Django's
    test client, then its first page (/home/ sends each role to its own). The form itself is driven
    by test_login_menus, the filer journey and the 验证码 tests; a journey signs in a dozen times,
    and the form cost each ~1 s of browser work."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": page.live_server_url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page.goto("/home/")
