"""The layout's addresses in templates, worked out once per process (a builtin library: no
{% load %}). base.html draws them on every page: eleven static files and three fixed pages cost
~0.4 ms a page through {% static %} and {% url %} (docs/benchmarks.md)."""
from django import template
from django.templatetags.static import static
from django.utils.html import conditional_escape

from .common.links import fixed_url

register = template.Library()

_ASSETS: dict[str, str] = {}


@register.simple_tag
def asset(path: str) -> str:
    """`{% asset 'css/app.css' %}`: {% static %}'s URL (the manifest's hashed name in production),
    looked up once per path; the manifest does not change while the process runs."""
    url = _ASSETS.get(path)
    if url is None:
        url = _ASSETS[path] = conditional_escape(static(path))
    return url


@register.simple_tag
def page_url(name: str) -> str:
    """`{% page_url 'home' %}`: {% url %} of a page without arguments (govmedia.common.links)."""
    return conditional_escape(fixed_url(name))
