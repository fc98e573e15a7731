"""The template backend lets a page's context go once the page is drawn (govmedia.common.template_backend):
what the page held is freed by reference counting, not left in a cycle for the garbage collector."""
import gc
import weakref

import pytest

from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.test import RequestFactory

SOURCE = "{% for row in rows %}{{ row.name }}{% endfor %}{% with n=rows|length %}（{{ n }}）{% endwith %}"


class Row:
    name = "上庄发布"


def _drawn_and_left(engine) -> tuple[str, bool]:
    """The page drawn with one row, and whether that row is still alive once the caller let it go."""
    row = Row()
    left = weakref.ref(row)
    gc.disable()  # what reference counting alone frees
    try:
        html = engine.from_string(SOURCE).render({"rows": [row]}, RequestFactory().get("/"))
        del row
        return html, left() is not None
    finally:
        gc.enable()


def test_the_projects_engine_frees_the_context_once_the_page_is_drawn():
    engine = engines["django"]
    assert type(engine).__module__ == "govmedia.common.template_backend"
    html, alive = _drawn_and_left(engine)
    assert html == "上庄发布（1）" and not alive


def test_djangos_own_engine_leaves_it_in_a_cycle():
    """Why the backend exists: Django's context and its dicts point at each other."""
    plain = DjangoTemplates({"NAME": "plain", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})
    html, alive = _drawn_and_left(plain)
    assert html == "上庄发布（1）" and alive
    gc.collect()


@pytest.mark.django_db
def test_a_list_page_leaves_its_rows_to_reference_counting(chain, client):
    """A whole list page through the app, as a WSGI server calls it: none of the accounts it drew
    is left in a reference cycle (the context's, or a signal's) for the garbage collector."""
    from accounts_media.models import MediaAccount
    from tests.accounts_media.conftest import WB_URL, normal_account

    normal_account(chain, name="上庄发布")
    normal_account(chain, name="上庄服务", account_type="WB", wechat_kind="", url=WB_URL, platform_id="2265830070")
    client.force_login(chain["shangzhuang"])
    environ = RequestFactory()._base_environ(PATH_INFO="/media/", QUERY_STRING="per_page=100",
                                            HTTP_COOKIE=client.cookies.output(header="", sep=";"))
    assert client.handler(environ).status_code == 200  # warm: the page state cached
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds unreachable is kept in gc.garbage
    try:
        response = client.handler(environ)
        drawn = response.content.decode()
        del response
        gc.collect()
        left = [o for o in gc.garbage if type(o) is MediaAccount]  # (isinstance would wake lazy objects)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert "上庄发布" in drawn and "上庄服务" in drawn
    assert left == []
