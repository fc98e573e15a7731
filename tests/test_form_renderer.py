"""settings.FORM_RENDERER (govmedia.common.forms.FormRenderer, decision 0075): Django's form and
widget templates through Jinja2 give the same markup as Django's engine; a template only the Django
engine holds (the admin's widgets) still renders."""
import re

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, FilteredSelectMultiple
from django.forms.renderers import DjangoTemplates, get_default_renderer

from govmedia.common.forms import FormRenderer, bootstrap
from orgtree.models import FilerUnit, OrgUnit
from reports.forms import NoticeForm


class EveryWidget(forms.Form):
    name = forms.CharField(label="名称", max_length=20, help_text="必填项")
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(label="类型", choices=[("WX", "微信公众号"), ("WB", "新浪微博")])
    kinds = forms.MultipleChoiceField(label="功能", choices=[("a", "信息发布"), ("b", "办事服务")],
                                      widget=forms.CheckboxSelectMultiple, required=False)
    side = forms.ChoiceField(label="结果", choices=[("ok", "通过"), ("no", "驳回")], widget=forms.RadioSelect)
    many = forms.MultipleChoiceField(label="接收", choices=[(str(i), f"单位{i}<&>") for i in range(5)],
                                     widget=forms.SelectMultiple(attrs={"size": 3}), required=False)
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}), required=False)
    agree = forms.BooleanField(label="同意", required=False)
    file = forms.FileField(label="附件", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


def _same_markup(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def test_the_settings_name_this_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_every_widget_draws_the_same_markup_as_djangos_engine():
    data = {"name": "<b>上庄</b>", "kind": "WB", "kinds": ["b"], "side": "no", "many": ["1", "3"], "day": "2026-13-01"}
    for bound in (None, data):
        ours = bootstrap(EveryWidget(bound, renderer=FormRenderer()))
        django_engine = bootstrap(EveryWidget(bound, renderer=DjangoTemplates()))
        if bound:
            assert not ours.is_valid() and not django_engine.is_valid()  # errors drawn too (日期, 名称)
        html = _same_markup(str(ours))
        assert html == _same_markup(str(django_engine))
        assert "&lt;b&gt;上庄&lt;/b&gt;" in html or bound is None  # escaped, never markup
        assert "单位1&lt;&amp;&gt;" in html


def test_a_real_form_of_ours_draws_the_same_markup():
    choices = {"units": OrgUnit.objects.none(), "filers": FilerUnit.objects.none()}
    ours = NoticeForm(None, renderer=FormRenderer(), **choices)
    django_engine = NoticeForm(None, renderer=DjangoTemplates(), **choices)
    assert _same_markup(str(ours)) == _same_markup(str(django_engine))


def test_the_admins_widgets_render_through_the_django_engine():
    renderer = FormRenderer()
    date = AdminDateWidget().render("day", None, renderer=renderer)
    assert 'class="vDateField' in date
    chooser = FilteredSelectMultiple("单位", False, choices=[("1", "北京市")]).render("units", ["1"], renderer=renderer)
    assert "selectfilter" in chooser and 'value="1" selected' in chooser
    again = AdminDateWidget().render("day", None, renderer=renderer)  # the engine found once, kept
    assert again == date
