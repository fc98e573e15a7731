"""The 500 page (DEBUG off): fits a phone and names the request's id as a reference for support."""
from unittest import mock

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_view_that_raises_shows_the_500_page_with_the_request_id(users, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(users["l1"])
    with mock.patch("govmedia.views.menu_for", side_effect=RuntimeError("boom")):
        response = client.get("/home/", headers={"X-Request-ID": "support-ref-42"})
    html = response.content.decode()
    assert response.status_code == 500
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "500 · 系统错误" in html and "boom" not in html
    assert response["X-Request-ID"] == "support-ref-42"
    assert '错误编号：<code class="user-select-all" data-testid="request-id">support-ref-42</code>' in html


@pytest.mark.django_db
def test_the_reference_is_the_id_made_here_when_the_balancer_sends_none(users, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(users["l1"])
    with mock.patch("govmedia.views.menu_for", side_effect=RuntimeError("boom")):
        response = client.get("/home/")
    made = response["X-Request-ID"]
    assert len(made) == 32 and f">{made}</code>" in response.content.decode()
