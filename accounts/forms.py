import re

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm

from govmedia.common.forms import bootstrap
from .validators import validate_phone

LOGIN_ROLES = [("org", "组织单位"), ("filer", "填报单位")]
USERNAME_RULES = {
    "org": (re.compile(r"^[A-Za-z0-9]{6}$"), "组织单位用户名为6位数字或字母数字组合，如北京市（110000）。"),
    "filer": (
        re.compile(r"^[A-Za-z0-9]{10}$"),
        "填报单位用户名为10位数字和字母组合（单位唯一标识或网站标识码），如130000M037。",
    ),
}


class LoginForm(forms.Form):
    role = forms.ChoiceField(label="登录角色", choices=LOGIN_ROLES, initial="org", widget=forms.RadioSelect)
    username = forms.CharField(label="用户名", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(
        label="密码", max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean(self):
        data = super().clean()
        role, username = data.get("role"), data.get("username")
        if role and username:
            pattern, message = USERNAME_RULES[role]
            if not pattern.match(username):
                self.add_error("username", message)
        return data


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (old password, new twice, validators) plus: the new one must differ."""

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "原密码错误，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
        "password_unchanged": "新密码不能与原密码相同。",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()
        bootstrap(self)

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError(self.error_messages["password_unchanged"], code="password_unchanged")
        return new


class OrgUnitContactForm(forms.Form):
    """用户设置 → 组织单位信息: the contacts 组织单位信息查询 shows (the fields the org tree keeps)."""

    contact_person = forms.CharField(label="联系人", max_length=50, error_messages={"required": "联系人不能为空"})
    contact_phone = forms.CharField(label="联系电话", max_length=30, error_messages={"required": "联系电话不能为空"})
    contact_email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "请输入正确的邮箱地址"})

    def clean_contact_person(self):
        return self.cleaned_data["contact_person"].strip()

    def clean_contact_phone(self):
        value = self.cleaned_data["contact_phone"].strip()
        validate_phone(value)
        return value
