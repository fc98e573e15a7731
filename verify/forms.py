from django import forms

from govmedia.common.captcha import captcha_field
from .selectors import looks_like_link

KINDS = [("account", "政务新媒体账号"), ("website", "政府网站")]


class VerifyForm(forms.Form):
    kind = forms.ChoiceField(label="查询对象", choices=KINDS, initial="account", required=False,
                             widget=forms.RadioSelect)
    q = forms.CharField(label="链接或名称", max_length=1000, strip=True,
                        error_messages={"required": "请粘贴链接或输入名称。", "max_length": "输入过长，请只粘贴链接本身或输入名称。"})

    def clean_kind(self):
        return self.cleaned_data.get("kind") or "account"


class ReportForm(forms.Form):
    """举报仿冒账号 (public, no login): always with the image 验证码."""

    use_required_attribute = False  # the page checks on the server (novalidate), like every form of ours

    link = forms.CharField(label="账号链接", max_length=1000, strip=True,
                           help_text="粘贴疑似仿冒账号的主页链接或文章链接（也可粘贴分享文字）",
                           error_messages={"required": "请粘贴疑似仿冒账号的链接。", "max_length": "链接过长，请只粘贴链接本身。"})
    claimed = forms.CharField(label="它自称是", max_length=100, strip=True,
                              help_text="它冒充的机关、单位或账号名称，如 平安北京",
                              error_messages={"required": "请填写它冒充的机关、单位或账号名称。",
                                              "max_length": "名称不能超过100个字。"})
    contact = forms.CharField(label="联系方式（选填）", max_length=100, strip=True, required=False,
                              help_text="手机号或电子邮箱，仅供核查单位联系，不会公开",
                              error_messages={"max_length": "联系方式不能超过100个字。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = captcha_field()

    def clean_link(self):
        value = self.cleaned_data["link"]
        if not looks_like_link(value):
            raise forms.ValidationError("请粘贴完整的链接（以 http:// 或 https:// 开头）。")
        return value
