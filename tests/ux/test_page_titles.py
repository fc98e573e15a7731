"""Every main page's <title> is "<page, tab or record> - 全国政务新媒体与政府网站报送系统"."""
import html
import re

import pytest

from tests.everyday import PRODUCT, build

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def titles(client, data):
    for role, pages in data["pages"].items():
        if role == "public":
            client.logout()
        else:
            client.force_login(data["users"][role])
        for expected, url in pages:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            yield role, url, expected, html.unescape(TITLE.search(response.content.decode()).group(1)).strip()


@pytest.mark.django_db
def test_every_main_page_is_titled_page_then_product(client):
    data = build()
    seen = 0
    for role, url, expected, title in titles(client, data):
        page_part, _, product = title.rpartition(" - ")
        assert product == PRODUCT, (role, url, title)
        assert page_part.strip() and not page_part.startswith(" "), (role, url, title)
        assert title.startswith(expected), (role, url, title)
        seen += 1
    assert seen > 60
