from django import forms

KINDS = [("account", "政务新媒体账号"), ("website", "政府网站")]


class VerifyForm(forms.Form):
    kind = forms.ChoiceField(label="查询对象", choices=KINDS, initial="account", required=False,
                             widget=forms.RadioSelect)
    q = forms.CharField(label="链接或名称", max_length=1000, strip=True,
                        error_messages={"required": "请粘贴链接或输入名称。", "max_length": "输入过长，请只粘贴链接本身或输入名称。"})

    def clean_kind(self):
        return self.cleaned_data.get("kind") or "account"
