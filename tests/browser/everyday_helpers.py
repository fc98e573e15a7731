"""Browser contexts signed in without the login form (a session made by Django's test client),
so a pass over many pages of many roles opens one context per role."""
import os

from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import DEFAULT_TIMEOUT_MS, slow_down

ARTIFACTS = os.path.join(settings.BASE_DIR, "test-artifacts", "screenshots")


def signed_in_context(browser, live_server, user=None, **options):
    options.setdefault("locale", "zh-CN")
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.on("page", slow_down)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return context


def screenshot(page, name: str, attempts: int = 3) -> str:
    """The page as shown, kept as an artifact. Chromium sometimes answers a capture with "Unable to
    capture screenshot" while its compositor is busy (seen once in a full parallel run, never alone):
    an artifact is not an assertion, so it is tried again after a frame or two."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.jpg")  # JPEG: half the capture time of a PNG
    for attempt in range(attempts):
        try:
            page.screenshot(path=path, full_page=False, type="jpeg", quality=80)
            return path
        except PlaywrightError as exc:
            if "Unable to capture screenshot" not in str(exc) or attempt == attempts - 1:
                raise
            page.wait_for_timeout(250)
    return path
