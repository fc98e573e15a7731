from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def bs(field, required=None, hide_id=""):
    """A labelled Bootstrap form row for one field (label, widget with classes, help, errors)."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    if kind in ("radio", "checkbox"):
        pass
    elif kind == "select":
        widget.attrs["class"] = "form-select"
    else:
        widget.attrs["class"] = "form-control" + (" is-invalid" if field.errors else "")
    return render_to_string("accounts_media/_form_field.html", {"field": field, "required": required, "hide_id": hide_id})
