"""帮助中心 (issue 30): sections by role and task, a 帮助 link on every page to its own section,
the review chain picture on 查看 (where the request is now) and on the help pages."""
import re

import pytest
from django.urls import reverse

from helpcenter.content import BY_KEY, SECTIONS, section_for
from tests.accounts_media.conftest import approve, submit
from tests.everyday import PUBLIC_PAGES, build

pytestmark = pytest.mark.django_db

HELP = re.compile(r'href="(/help/[a-z-]+/)" data-testid="help-link"')


def test_every_page_of_every_role_links_to_its_help_section(client):
    data = build()
    for role, pages in data["pages"].items():
        if role == "public":
            continue
        client.force_login(data["users"][role])
        for _title, url in pages:
            html = client.get(url).content.decode()
            found = HELP.search(html)
            assert found, (role, url)
            assert client.get(found.group(1)).status_code == 200, (role, url)
    client.force_login(data["users"]["org"])
    assert HELP.search(client.get("/media/?tab=pending").content.decode()).group(1) == "/help/media-view/"
    assert HELP.search(client.get(f"/media/{data['pending'].pk}/review/").content.decode()).group(1) == "/help/review/"
    assert HELP.search(client.get("/filer-units/").content.decode()).group(1) == "/help/filer-units/"
    client.logout()
    for _title, url in PUBLIC_PAGES:
        assert 'href="/help/' in client.get(url).content.decode() or url == "/", url


def test_sections_cover_the_menus_and_show_the_chain(client):
    assert {s.audience for s in SECTIONS} >= {"所有用户", "组织单位", "填报单位"}
    assert section_for("media:bulk_review").key == "review" and section_for("websites:review_list").key == "websites"
    assert section_for("nothing:here").key == "faq"
    index = client.get("/help/").content.decode()
    for section in SECTIONS:
        assert reverse("help:section", args=[section.key]) in index
    page = client.get("/help/review/").content.decode()
    assert 'data-testid="review-chain"' in page and "批量审核" in page and "已被他人处理" in page
    assert client.get("/help/no-such/").status_code == 404
    assert BY_KEY["login"].steps


def test_the_chain_on_view_shows_where_the_request_is_now(client, chain):
    account = submit(chain["shangzhuang"], name="上庄发布")
    client.force_login(chain["shangzhuang"])
    chain_html = re.search(r'data-testid="review-chain".*?</figure>', client.get(f"/media/{account.pk}/").content.decode(), re.S).group(0)
    assert re.search(r'review-step-current" aria-current="step">\s*<span class="review-step-role">审核</span>\s*<span class="review-step-who">海淀区（110108）', chain_html)
    assert "终审（生成新媒体标识码）" in chain_html and "北京市（110000）" in chain_html
    account = approve(account, chain["haidian"])
    chain_html = re.search(r'data-testid="review-chain".*?</figure>', client.get(f"/media/{account.pk}/").content.decode(), re.S).group(0)
    assert re.search(r'review-step-done"\s*>\s*<span class="review-step-role">审核</span>\s*<span class="review-step-who">海淀区', chain_html)
    assert re.search(r'review-step-current" aria-current="step">\s*<span class="review-step-role">终审', chain_html)
