from django import forms

from accounts.validators import validate_landline, validate_mobile, validate_phone

from .models import MediaAccount, Status
from .platforms import ACCOUNT_TYPES, TYPE_BY_CODE, WECHAT_KIND_CHOICES, PlatformIdError, extract_platform_id
from .services import holder_of
from django.utils import timezone

YES_NO = [("1", "是"), ("0", "否")]


class LimitedCharField(forms.CharField):
    """A CharField whose limit is checked, never enforced by the browser: no `maxlength` attribute
    (a browser silently cuts pasted text at it), a `data-maxlength` for the live 0/300 counter
    (static/js/app.js), and a refusal in Chinese that names the field, the limit and the length.
    Line breaks count as one character, as the counter counts them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "max_length" not in self.error_messages:
            self.relabel(self.label)

    def relabel(self, label: str) -> None:
        self.label = label
        self.error_messages["max_length"] = f"{label}不能超过%(limit_value)d个字（当前%(show_value)d个字）"

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in attrs:
            attrs["data-maxlength"] = attrs.pop("maxlength")
        return attrs
def no_formula(value: str) -> None:
    """A name that begins with = is a spreadsheet formula wherever it is opened (issue 29)."""
    if value.lstrip().startswith("="):
        raise forms.ValidationError("名称不能以“=”开头。")


NEEDS_PLATFORM_NAME = {t.code for t in ACCOUNT_TYPES if t.needs_platform_name}
NEEDS_WECHAT_KIND = {t.code for t in ACCOUNT_TYPES if t.has_wechat_kind}


class AccountForm(forms.Form):
    """添加账号 / 编辑 / 重新添加申请 / 修改: the fields of the manual's 新增新媒体账号 form.
    微信公众号类型 and 其他账号类型/平台名称 are required for some types only (`clean`); the page
    stars them for those types (`wechat_codes`, `platform_name_codes`)."""

    wechat_codes = ",".join(sorted(NEEDS_WECHAT_KIND))
    platform_name_codes = ",".join(sorted(NEEDS_PLATFORM_NAME))

    operator = LimitedCharField(label="开设主体", max_length=100, error_messages={"required": "开设主体不能为空"})
    account_type = forms.ChoiceField(label="账号类型", choices=[("", "请选择")] + [(t.code, t.name) for t in ACCOUNT_TYPES],
                                     error_messages={"required": "请选择账号类型"})
    wechat_kind = forms.ChoiceField(label="微信公众号类型", choices=WECHAT_KIND_CHOICES, required=False, widget=forms.RadioSelect)
    platform_name = LimitedCharField(label="其他账号类型/平台名称", max_length=50, required=False)
    url = LimitedCharField(label="文章链接/主页链接/下载链接", max_length=1000, error_messages={"required": "链接不能为空"})
    name = LimitedCharField(label="名称", max_length=100, error_messages={"required": "名称不能为空"},
                            validators=[no_formula])
    represents_government = forms.TypedChoiceField(
        label="账号是否代表省/市/县（区）人民政府或国务院部门", choices=YES_NO, coerce=lambda v: v == "1",
        widget=forms.RadioSelect, error_messages={"required": "请选择账号是否代表省/市/县（区）人民政府或国务院部门"})
    func_publish = forms.BooleanField(label="信息发布", required=False)
    func_service = forms.BooleanField(label="办事服务", required=False)
    func_interact = forms.BooleanField(label="互动交流", required=False)
    func_other = forms.BooleanField(label="其他功能", required=False)
    func_other_text = LimitedCharField(label="其他功能说明", max_length=100, required=False)
    contact_name = LimitedCharField(label="姓名", max_length=30, required=False)
    contact_title = LimitedCharField(label="职务", max_length=50, required=False)
    contact_mobile = LimitedCharField(label="手机号", max_length=11, required=False, validators=[validate_mobile])
    contact_landline = LimitedCharField(label="座机号", max_length=30, required=False, validators=[validate_landline])
    opened_on = forms.DateField(label="开设时间", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text="账号在平台上开设的日期（选填）；新开设的账号应在开设后3个工作日内提交备案。",
                                error_messages={"invalid": "请输入正确的日期"})

    def __init__(self, *args, instance: MediaAccount | None = None, modify: bool = False, **kwargs):
        self.instance = instance
        self.modify = modify
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance, with_pending=modify)
        super().__init__(*args, **kwargs)
        if modify:  # 账号类型 and biz/oid/ID are the account's identity: not modifiable
            for name in ("account_type", "platform_name", "opened_on"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    @property
    def function_fields(self):
        return [self[name] for name in ("func_publish", "func_service", "func_interact", "func_other")]

    def clean_opened_on(self):
        value = self.cleaned_data.get("opened_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("开设时间不能晚于今天。")
        return value

    def clean(self):
        data = super().clean()
        code = data.get("account_type")
        if code in NEEDS_WECHAT_KIND and not data.get("wechat_kind"):
            self.add_error("wechat_kind", "请选择微信公众号类型（订阅号/服务号）")
        if code not in NEEDS_WECHAT_KIND:
            data["wechat_kind"] = ""
        if code in NEEDS_PLATFORM_NAME and not data.get("platform_name", "").strip():
            self.add_error("platform_name", "选择“小程序”或“其他”时，必须填写其他账号类型/平台名称")
        if code not in NEEDS_PLATFORM_NAME:
            data["platform_name"] = ""
        if not any(data.get(f) for f in ("func_publish", "func_service", "func_interact", "func_other")):
            self.add_error("func_publish", "请至少选择一项功能")
        if data.get("func_other") and not data.get("func_other_text", "").strip():
            self.add_error("func_other_text", "勾选“其他功能”时必须填写其他功能内容")
        if not data.get("func_other"):
            data["func_other_text"] = ""
        url = (data.get("url") or "").strip()
        if code and url and "url" not in self.errors:
            self._clean_platform_id(code, url, data)
        return data

    def _clean_platform_id(self, code, url, data):
        try:
            platform_id = extract_platform_id(code, url)
        except PlatformIdError as exc:
            self.add_error("url", str(exc))
            return
        if self.modify and platform_id != self.instance.platform_id:
            self.add_error("url", "该链接对应的账号ID与原账号不一致：账号类型及biz/oid/ID不支持修改。")
            return
        holder = holder_of(code, platform_id, exclude_pk=self.instance.pk if self.instance else None)
        if holder is not None:
            self.add_error("url", f"该{TYPE_BY_CODE[code].name}账号已由“{holder.filer_unit.name}”（{holder.filer_unit.code}）报送，不能重复报送。")
            return
        data["url"], data["platform_id"] = url, platform_id


def initial_from(account: MediaAccount, with_pending: bool = False) -> dict:
    values = {name: getattr(account, name) for name in AccountForm.base_fields}
    values["represents_government"] = "1" if account.represents_government else "0"
    if with_pending:
        for name, value in (account.pending_changes or {}).items():
            values[name] = ("1" if value else "0") if name == "represents_government" else value
    return values


class ReviewForm(forms.Form):
    """审核: the manual's review dialog (审核结果, 驳回…, 审核人姓名, 审核人电话). Not editable after 确定."""

    result = forms.ChoiceField(label="审核结果", widget=forms.RadioSelect, error_messages={"required": "请选择审核结果"})
    reason = LimitedCharField(label="驳回原因", max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "data-required-if": "result=reject"}))
    reviewer_name = LimitedCharField(label="审核人姓名", max_length=30, error_messages={"required": "审核人姓名不能为空"})
    reviewer_phone = LimitedCharField(label="审核人电话", max_length=30, validators=[validate_phone],
                                     help_text="例如：188xxxx8822或010-35xxxx21", error_messages={"required": "审核人电话不能为空"})
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, approve_label: str, reject_label: str, reason_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("approve", approve_label), ("reject", reject_label)]
        self.fields["reason"].relabel(reason_label)
        self.labels = {"approve": approve_label, "reject": reject_label}

    def clean(self):
        data = super().clean()
        if data.get("result") == "reject" and "reason" not in self.errors and not (data.get("reason") or "").strip():
            self.add_error("reason", f"{self.fields['reason'].label}不能为空")
        if data.get("result"):
            data["result_label"] = self.labels[data["result"]]
        return data


class CloseForm(forms.Form):
    applicant_name = LimitedCharField(label="申请人姓名", max_length=30, error_messages={"required": "申请人姓名不能为空"})
    applicant_phone = LimitedCharField(label="申请人电话", max_length=30, validators=[validate_phone],
                                      help_text="例如：188xxxx8822或010-35xxxx21", error_messages={"required": "申请人电话不能为空"})
    close_reason = forms.ChoiceField(label="关停原因", choices=[("已完成注销/下线", "已完成注销/下线")], widget=forms.RadioSelect,
                                     error_messages={"required": "请选择关停原因"})
    cancel_date = forms.DateField(label="注销日期", widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"required": "注销日期不能为空", "invalid": "请输入正确的日期"})
    detail = LimitedCharField(label="详细说明", max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "详细说明不能为空", "max_length": "详细说明不能超过500字"})
    # 继任账号 (issue 29): the registered account its followers should follow; 官方账号查询 and the
    # badge then say 已关停，请关注 X (verify.continuity sets it when the closure is approved).
    successor = forms.CharField(label="继任账号的新媒体标识码（选填）", max_length=20, required=False, strip=True,
                                help_text="如有接替该账号的新账号，填写其新媒体标识码，公众查询时将提示关注继任账号")

    def clean_successor(self):
        code = self.cleaned_data.get("successor", "").upper()
        if not code:
            return ""
        found = MediaAccount.objects.filter(media_code=code, removed_at__isnull=True, status=Status.NORMAL).first()
        if found is None:
            raise forms.ValidationError("未找到该新媒体标识码对应的正常账号，请核对。")
        return code

    def clean_cancel_date(self):
        value = self.cleaned_data["cancel_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("注销日期不能晚于今天：请在账号完成注销或下线后再申请关停。")
        return value

    def request_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["cancel_date"] = data["cancel_date"].isoformat()
        return data


class RestoreForm(forms.Form):
    applicant_name = LimitedCharField(label="申请人姓名", max_length=30, error_messages={"required": "申请人姓名不能为空"})
    applicant_phone = LimitedCharField(label="申请人电话", max_length=30, validators=[validate_phone],
                                      help_text="例如：188xxxx8822或010-35xxxx21", error_messages={"required": "申请人电话不能为空"})
    reason = LimitedCharField(label="恢复原因", max_length=500, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "恢复原因不能为空", "max_length": "恢复原因不能超过500字"})

    def request_data(self) -> dict:
        return dict(self.cleaned_data)


class DeleteAccountForm(forms.Form):
    reason = LimitedCharField(label="删除原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "删除原因不能为空", "max_length": "删除原因不能超过300字"})


class BulkReviewForm(ReviewForm):
    """批量审核: one decision, one reason, one reviewer for every request chosen."""

    version = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, approve_label="通过", reject_label="驳回", reason_label="驳回原因", **kwargs)
