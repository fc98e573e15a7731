"""Browser contexts signed in without the login form (a session made by Django's test client),
so a pass over many pages of many roles opens one context per role."""
import os

from django.conf import settings
from django.test import Client

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


def screenshot(page, name: str) -> str:
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=False)
    return path
