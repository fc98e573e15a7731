"""The org cascade's <option>s built in Python: at 国办 the first select lists ~100 units and
the template loop over them was most of a list page's rendering (docs/benchmarks.md)."""
from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def cascade_option_tags(select: dict) -> str:
    selected = select.get("selected")
    return format_html_join("", '<option value="{}" {}>{}</option>',
                            ((code, "selected" if code == selected else "", name) for code, name in select["options"]))
