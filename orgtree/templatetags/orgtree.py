"""The org cascade's <option>s built in Python: at 国办 the first select lists ~100 units and
the template loop over them was most of a list page's rendering (docs/benchmarks.md)."""
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from govmedia.common.lists import cell_escape

register = template.Library()


@register.filter
def cascade_option_tags(select: dict) -> str:
    selected = select.get("selected")
    return mark_safe("".join(  # code and name escaped: what the template loop wrote
        f'<option value="{cell_escape(code)}" {"selected" if code == selected else ""}>{cell_escape(name)}</option>'
        for code, name in select["options"]))


@register.filter
def cascade_selects(cascade: list[dict]) -> str:
    """The cascade's three selects, as lists/_org_cascade.html wrote them in a template loop (the same
    bytes). The same cascade (a unit's list opened with nothing chosen) is built once per process."""
    key = tuple((s["name"], s["label"], s["fixed"], s["selected"], tuple(tuple(option) for option in s["options"]))
                for s in cascade)
    return _cascade_html(key)


@lru_cache(maxsize=512)
def _cascade_html(cascade: tuple) -> str:
    e = cell_escape
    url = e(reverse("org_children"))
    out = []
    for level, (name, label, fixed, selected, options) in enumerate(cascade, start=1):
        name = e(name)
        named, everything = ("disabled", "") if fixed else (f'name="{name}"', '<option value="">全部</option>')
        out.append(f'\n<div class="col-sm-6 col-lg-2">\n  <label class="form-label small mb-1" for="id_{name}">{e(label)}'
                   f'</label>\n  <select class="form-select form-select-sm" id="id_{name}" {named}\n          '
                   f'data-cascade-level="{level}" data-children-url="{url}">\n    {everything}\n    '
                   f'{cascade_option_tags({"selected": selected, "options": options})}\n  </select>\n</div>\n')
    return mark_safe("".join(out))  # every value escaped above and in cascade_option_tags
