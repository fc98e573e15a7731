"""Every main page's <title> is "<page, tab or record> - 全国政务新媒体与政府网站报送系统"; on the
same pages, labels and descriptions point at elements that exist (no <label for="">, every
aria-describedby names an id of the page) and radio groups are fieldsets with a legend."""
import html as html_lib
import re

import pytest

from tests.everyday import PRODUCT, build

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def titles(client, data, content=False):
    """(role, url, expected title start — or the page's HTML with content=True —, title) per main page."""
    for role, pages in data["pages"].items():
        if role == "public":
            client.logout()
        else:
            client.force_login(data["users"][role])
        for expected, url in pages:
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            html = response.content.decode()
            yield role, url, html if content else expected, html_lib.unescape(TITLE.search(html).group(1)).strip()


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


@pytest.mark.django_db
def test_labels_and_descriptions_point_at_elements_of_the_page(client):
    pages = {}
    for role, url, html, _title in titles(client, build(), content=True):
        pages[(role, url)] = html
        assert 'for=""' not in html, (role, url)
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        for value in re.findall(r'aria-describedby="([^"]*)"', html):
            for target in value.split():
                assert target in ids, (role, url, target)
    # The radio and checkbox groups of the account form are fieldsets named by their legend.
    form = pages[("filer", "/media/add/")]
    for group in ("微信公众号类型", "账号是否代表", "功能"):
        assert re.search(rf"<fieldset[^>]*>\s*<legend[^>]*>(<span[^>]*>\*\s*</span>)?\s*{group}", form), group
