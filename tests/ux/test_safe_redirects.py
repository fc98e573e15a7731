"""Every "back to where you came from" goes through govmedia.common.redirects.safe_next: a page of
this site is followed, another site (or an https → http downgrade) is not."""
import pytest
from django.test import RequestFactory

from govmedia.common.redirects import safe_next


@pytest.mark.parametrize("url, secure, expected", [
    ("/media/?tab=pending", False, "/media/?tab=pending"),
    ("http://testserver/media/", False, "http://testserver/media/"),
    ("http://testserver/media/", True, None),       # no downgrade from https
    ("https://evil.example/", False, None),
    ("//evil.example/", False, None),
    ("", False, None),
    (None, False, None),
])
def test_safe_next(url, secure, expected):
    request = RequestFactory().get("/", secure=secure)
    assert safe_next(request, url) == expected


def test_the_column_chooser_returns_to_the_list_and_never_to_another_site(client, chain, login):
    login(chain["haidian"])
    assert client.post("/lists/columns/filer_units/", {"columns": ["name"], "next": "/filer-units/"}).url == "/filer-units/"
    assert client.post("/lists/columns/filer_units/", {"columns": ["name"], "next": "https://evil.example/"}).url == "/"
