from django import forms
from django.utils import timezone

from accounts.validators import validate_phone
from govmedia.common.forms import bootstrap
from orgtree.models import FilerUnit, OrgUnit

from .models import PROBLEMS, Notice, SpotCheckReport
from .models import problems_for


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=SpotCheckReport.Kind.choices, initial="media")
    year = forms.IntegerField(label="年份", min_value=2019)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["year"].max_value = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class HeaderForm(forms.Form):
    filler_name = forms.CharField(label="填表人", max_length=30, error_messages={"required": "填表人不能为空"})
    filler_phone = forms.CharField(label="联系电话", max_length=30, validators=[validate_phone],
                                   error_messages={"required": "联系电话不能为空"})
    checked_count = forms.IntegerField(label="抽查数量", min_value=0, required=False)
    failed_count = forms.IntegerField(label="不合格数量", min_value=0, required=False)

    def clean(self):
        data = super().clean()
        checked, failed = data.get("checked_count"), data.get("failed_count")
        if checked is not None and failed is not None and failed > checked:
            self.add_error("failed_count", "不合格数量不能大于抽查数量。")
        return data


class ItemForm(forms.Form):
    account = forms.CharField(label="新媒体账号（新媒体标识码）", max_length=20,
                              error_messages={"required": "请选择抽查的新媒体账号"})
    passed = forms.TypedChoiceField(label="是否合格", choices=[("1", "合格"), ("0", "不合格")], coerce=lambda v: v == "1",
                                    widget=forms.RadioSelect, error_messages={"required": "请选择是否合格"})
    problems = forms.MultipleChoiceField(label="存在的突出问题（仅不合格的填写）", choices=[(p, p) for p in PROBLEMS],
                                         required=False, widget=forms.CheckboxSelectMultiple)
    problem_other = forms.CharField(label="其他问题说明", max_length=200, required=False)
    rectification = forms.CharField(label="整改情况", max_length=500, required=False)

    def __init__(self, *args, website: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if website:  # a website report: a site, checked against the website indicators
            self.fields["account"].label = "政府网站（网站标识码）"
            self.fields["account"].error_messages["required"] = "请选择抽查的政府网站"
            self.fields["problems"].choices = [(p, p) for p in problems_for(True)]


class NoticeForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "标题不能为空"})
    menu_label = forms.CharField(label="菜单名称", max_length=20, initial="待核查账号",
                                 help_text="接收单位的菜单名称随最新一份通知变更，如“待核查账号”。")
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 10}), required=False)
    audience = forms.ChoiceField(label="接收范围", choices=Notice.Audience.choices, initial=Notice.Audience.CHOSEN,
                                 widget=forms.RadioSelect, required=False)
    recipients = forms.ModelMultipleChoiceField(label="接收组织单位（直属下级）", queryset=OrgUnit.objects.none(), required=False,
                                                widget=forms.SelectMultiple(attrs={"size": 8}))
    filer_recipients = forms.ModelMultipleChoiceField(label="接收填报单位（本级）", queryset=FilerUnit.objects.none(),
                                                      required=False, widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, units=None, filers=None, root=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = units
        self.fields["recipients"].label_from_instance = lambda u: f"{u.name}（{u.code}）"
        self.fields["filer_recipients"].queryset = filers
        self.fields["filer_recipients"].label_from_instance = lambda f: f"{f.name}（{f.code}）"
        if root:  # GB: its direct children are the L1 units (the manual's 全部省、国务院部门组织单位)
            self.fields["audience"].choices = [(k, "全部省、国务院部门组织单位" if k == Notice.Audience.CHILDREN else v)
                                               for k, v in Notice.Audience.choices]
        bootstrap(self)

    def clean_audience(self):
        return self.cleaned_data.get("audience") or Notice.Audience.CHOSEN
