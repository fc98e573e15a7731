from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

from ..content import section_for

register = template.Library()


@register.simple_tag(takes_context=True)
def help_url(context) -> str:
    """The 帮助中心 section of the page being shown (the 帮助 link of every page)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return _section_url(get_script_prefix(), section_for(match.view_name if match else "").key)


@lru_cache(maxsize=None)
def _section_url(prefix: str, key: str) -> str:
    """A section's address, reversed once per script prefix and section (the link is on every page, twice)."""
    return reverse("help:section", args=[key])


@register.simple_tag(takes_context=True)
def print_filters(context) -> str:
    """筛选条件 for the printout's footer: the list's filters that hold a value, as the page
    names them and their choices, else 无."""
    filterset = context.get("filter")
    parts = []
    # A list opened without a filter (is_bound false) has nothing to name: its form is not built.
    form = filterset.form if getattr(filterset, "is_bound", False) else None
    if form is not None:
        for name, field in form.fields.items():
            value = form[name].value()
            if value in (None, "", []):
                continue
            try:
                choices = dict(getattr(field, "choices", None) or {})
            except (TypeError, ValueError):  # lazy or grouped choices: the raw value is shown
                choices = {}
            values = value if isinstance(value, list) else [value]
            shown = "、".join(str(choices.get(v, choices.get(str(v), v))) for v in values)
            parts.append(f"{field.label}：{shown}")
    tab = context.get("tab")
    if tab is not None and getattr(tab, "label", ""):
        parts.insert(0, f"页签：{tab.label}")
    return "；".join(parts) or "无"
