from django import forms
from django.contrib.auth import password_validation

from govmedia.common.forms import BootstrapForm
from orgtree.models import MINISTRY_TIERS, REGION_TIERS, OrgUnit

from .validators import validate_landline, validate_mobile


def tier_choices(org: OrgUnit) -> list[tuple[int, str]]:
    tiers = MINISTRY_TIERS if org.kind == OrgUnit.Kind.MINISTRY else REGION_TIERS
    return list(tiers.items())


class FilerAddForm(forms.Form):
    tier = forms.TypedChoiceField(label="新添加填报单位隶属于哪一级组织单位管理", coerce=int, widget=forms.RadioSelect)
    org_unit = forms.CharField(label="隶属组织单位", max_length=6)
    name = forms.CharField(label="填报单位名称", max_length=100)

    def __init__(self, *args, attachable, org: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachable = attachable  # tier -> queryset of units of that tier in scope
        self.fields["tier"].choices = tier_choices(org)
        self.fields["tier"].error_messages["required"] = "请选择填报单位隶属于哪一级组织单位管理"
        self.fields["org_unit"].error_messages["required"] = "请选择隶属的组织单位"
        self.fields["name"].error_messages["required"] = "填报单位名称不能为空"

    def clean(self):
        data = super().clean()
        tier, code = data.get("tier"), data.get("org_unit")
        if tier and code:
            unit = self.attachable(tier).filter(code__iexact=code.strip()).first()
            if unit is None:
                self.add_error("org_unit", "所选组织单位不在该级别或不在本单位管理范围内")
            data["org_unit"] = unit
        return data


class FilerInfoForm(forms.Form):
    head_name = forms.CharField(label="姓名", max_length=30)
    head_title = forms.CharField(label="职务", max_length=50)
    head_mobile = forms.CharField(label="手机号", max_length=11, validators=[validate_mobile])
    head_landline = forms.CharField(label="座机号", max_length=30, validators=[validate_landline])
    contact_name = forms.CharField(label="姓名", max_length=30)
    contact_title = forms.CharField(label="职务", max_length=50)
    contact_mobile = forms.CharField(label="手机号", max_length=11, validators=[validate_mobile])
    contact_landline = forms.CharField(label="座机号", max_length=30, required=False, validators=[validate_landline])
    sms_code = forms.CharField(label="手机验证码", max_length=6)

    REQUIRED_MESSAGES = {
        "head_name": "负责人姓名不能为空", "head_title": "负责人职务不能为空",
        "head_mobile": "负责人手机号不能为空", "head_landline": "负责人座机号不能为空",
        "contact_name": "联系人姓名不能为空", "contact_title": "联系人职务不能为空",
        "contact_mobile": "联系人手机号不能为空", "sms_code": "手机验证码不能为空",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        for field in self.fields.values():
            field.widget.attrs.setdefault("placeholder", f"请输入{field.label}")


class DeleteFilerForm(forms.Form):
    reason = forms.CharField(label="删除原因", max_length=100, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "删除原因不能为空", "max_length": "删除原因不能超过100字"})


class RenameFilerForm(BootstrapForm):
    name = forms.CharField(label="填报单位全称", max_length=100, error_messages={"required": "填报单位全称不能为空"})


class ForgotUsernameForm(forms.Form):
    username = forms.RegexField(label="用户名", regex=r"^[A-Za-z0-9]{10}$", max_length=10,
                                error_messages={"required": "请输入用户名", "invalid": "用户名为单位唯一标识（10位字符）"})


class ForgotMobileForm(forms.Form):
    mobile = forms.CharField(label="手机号", max_length=11, validators=[validate_mobile],
                             error_messages={"required": "手机号不能为空"})
    sms_code = forms.CharField(label="手机验证码", max_length=6, error_messages={"required": "手机验证码不能为空"})


class NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        elif p1:
            if self.user.check_password(p1):
                self.add_error("new_password1", "新密码不能与原密码相同。")
            else:
                try:
                    password_validation.validate_password(p1, self.user)
                except forms.ValidationError as exc:
                    self.add_error("new_password1", exc)
        return data
