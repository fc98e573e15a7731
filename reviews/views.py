from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .journal import SUBJECT_TYPES
from .selectors import ORG_LOG_ACTIONS, org_log_filtered

PAGE_SIZE = 50


class OrgLogFilter(forms.Form):
    unit = forms.CharField(label="组织单位代码", max_length=6, required=False)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部"), *ORG_LOG_ACTIONS.items()])
    keyword = forms.CharField(label="对象（名称或标识码）", max_length=100, required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) \
                else "form-control form-control-sm"


@require_GET
def org_log(request):
    """操作日志: the journal of the filer units and org units of the viewer's subtree, newest first.
    Pages without a total count (a subtree may hold hundreds of thousands of entries)."""
    form = OrgLogFilter(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    entries, unit = org_log_filtered(request.user, unit_code=values.get("unit") or "", action=values.get("action") or "",
                                     keyword=values.get("keyword") or "", date_from=values.get("date_from"),
                                     date_to=values.get("date_to"))
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows = list(entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reviews/org_log.html", {
        "form": form, "entries": rows[:PAGE_SIZE], "page": page, "has_next": len(rows) > PAGE_SIZE,
        "query": query.urlencode(), "subject_types": SUBJECT_TYPES, "unit": unit})
