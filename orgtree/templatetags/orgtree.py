"""The org cascade's <option>s built in Python: at 国办 the first select lists ~100 units and
the template loop over them was most of a list page's rendering (docs/benchmarks.md)."""
from django import template
from django.utils.safestring import mark_safe

from govmedia.common.lists import cell_escape

register = template.Library()


@register.filter
def cascade_option_tags(select: dict) -> str:
    selected = select.get("selected")
    return mark_safe("".join(  # code and name escaped: what the template loop wrote
        f'<option value="{cell_escape(code)}" {"selected" if code == selected else ""}>{cell_escape(name)}</option>'
        for code, name in select["options"]))
