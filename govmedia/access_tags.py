"""Template flags from the access map, instead of role tests in templates (a builtin library:
templates use it without {% load %})."""
from django import template

from .access import may_open as user_may_open

register = template.Library()


@register.simple_tag(takes_context=True)
def may_open(context, url_name: str) -> bool:
    """`{% may_open "reports:list" as can_report %}`: whether the current user may open that page."""
    request = context.get("request")
    return bool(request is not None and user_may_open(request.user, url_name))
