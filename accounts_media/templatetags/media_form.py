from django import forms, template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def bs(field, required=None, hide_id="", required_when=""):
    """A labelled Bootstrap form row for one field (label, widget with classes, help, errors)."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    if kind in ("radio", "checkbox"):
        pass
    elif kind == "select":
        widget.attrs["class"] = "form-select"
    else:
        widget.attrs["class"] = "form-control" + (" is-invalid" if field.errors else "")
    # A text area with a limit shows the manual's live counter (0/300); the limit itself is checked
    # on the server (LimitedCharField), never cut by the browser.
    limit = getattr(field.field, "max_length", None) if isinstance(widget, forms.Textarea) else None
    if limit:
        widget.attrs["aria-describedby"] = f"{field.id_for_label}_counter"
    context = {"field": field, "required": required, "hide_id": hide_id, "limit": limit}
    if required_when:
        # Required only for some 账号类型 (e.g. 微信公众号类型 for 微信公众号): the star follows the
        # type chosen, here for the page as sent and in app.js when the type changes.
        codes = required_when.split(",")
        context.update(required_when=required_when, star_on=str(field.form["account_type"].value() or "") in codes)
    return render_to_string("accounts_media/_form_field.html", context)
