"""The template backend lets a page's context go once the page is drawn (govmedia.common.template_backend):
what the page held is freed by reference counting, not left in a cycle for the garbage collector."""
import gc
import weakref

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
