"""The one form style (decision 0036): Bootstrap 5 markup written in templates, each field drawn by
templates/includes/form_fields.html; the widgets get their Bootstrap classes here, in Python."""
from django import forms

CLASSES = {"select": "form-select", "checkbox": "form-check-input", "radio": "form-check-input"}


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget of `form` its Bootstrap class (form-control, form-select, form-check-input)."""
    for field in form.fields.values():
        widget = field.widget
        kind = "select" if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect) else \
            getattr(widget, "input_type", "")
        css = CLASSES.get(kind, "form-control")
        current = widget.attrs.get("class", "")
        if css not in current.split():
            widget.attrs["class"] = f"{current} {css}".strip()
    return form


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
