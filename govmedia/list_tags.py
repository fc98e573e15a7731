"""The list machinery's pieces in templates (a builtin library: no {% load %})."""
from django import template

from .common.lists import pagination_html

register = template.Library()


@register.simple_tag(takes_context=True)
def pagination(context) -> str:
    """`{% pagination %}`: 共 N 条, 每页 and the page links of the list on the page (lists/_pagination.html)."""
    return pagination_html(context)
