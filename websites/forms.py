from django import forms

from accounts.validators import validate_landline, validate_mobile
from orgtree.models import FilerUnit, OrgUnit

from .services import duplicate_of
from django.core.validators import URLValidator
from .models import COLUMN_CATEGORIES, Website
from .services import domains_refusal, identity_refusal, parse_domains

HOMEPAGE_EXAMPLE = "https://www.bjhd.gov.cn"


class HomepageField(forms.CharField):
    """首页网址: a full http(s) address. A scheme-less address is refused, not guessed
    (docs/decisions/0022-website-rules.md): only the applicant knows whether the site answers on
    http or https; ftp:// and other schemes are not web pages."""

    def __init__(self, **kwargs):
        super().__init__(label="首页网址", max_length=300, error_messages={"required": "首页网址不能为空"}, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if "://" not in value:
            raise forms.ValidationError(f"首页网址须以 http:// 或 https:// 开头，请填写完整的网址，如 {HOMEPAGE_EXAMPLE}")
        scheme = value.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise forms.ValidationError(f"首页网址只能是 http:// 或 https:// 开头的网址（不能是 {scheme}://），如 {HOMEPAGE_EXAMPLE}")
        try:
            URLValidator(schemes=["http", "https"])(value)
        except forms.ValidationError:
            raise forms.ValidationError(f"请输入正确的网址，如 {HOMEPAGE_EXAMPLE}")
        return value


class SiteStepOneForm(forms.Form):
    """第一步: the site itself; a name or homepage already registered stops the form at once."""

    name = forms.CharField(label="网站名称", max_length=100, error_messages={"required": "网站名称不能为空"})
    homepage = HomepageField()
    org_code = forms.CharField(label="网站组织单位标识码", max_length=6, min_length=6,
                               error_messages={"required": "网站组织单位标识码不能为空",
                                               "min_length": "网站组织单位标识码为六位"})

    def clean(self):
        data = super().clean()
        # A registered site (finally approved) is public and may be named; an application still
        # under review is not (issue 19): the page only says that one exists.
        if data.get("name") and (site := duplicate_of(name=data["name"])):
            self.add_error("name", f"网站名称与已有网站“{site.name}”重复，无法继续填写。" if site.final_approved_at
                           else "该网站名称已有申请正在办理，无法继续填写。如有疑问请咨询所在地区或部门组织单位。")
        if data.get("homepage") and (site := duplicate_of(homepage=data["homepage"])):
            self.add_error("homepage", f"首页网址与已有网站“{site.name}”（{site.homepage}）重复，无法继续填写。"
                           if site.final_approved_at
                           else "该首页网址已有申请正在办理，无法继续填写。如有疑问请咨询所在地区或部门组织单位。")
        code = (data.get("org_code") or "").strip()
        if code:
            unit = OrgUnit.objects.filter(code__iexact=code, is_active=True).exclude(level=0).first()
            if unit is None:
                self.add_error("org_code", "网站组织单位标识码不存在，请咨询所在地区或部门组织单位。")
            data["org_unit"] = unit
        return data


class SiteStepTwoForm(forms.Form):
    """第二步: the units, registrations, flags and the people responsible."""

    sponsor = forms.CharField(label="主办单位", max_length=100, required=False)
    # The 主办单位 by id among the org unit's filer units: the quarterly self-check puts the site on
    # that unit's sheet (decision 0021); the text stays as written on the site.
    sponsor_filer_unit = forms.ModelChoiceField(
        label="主办单位对应的填报单位", queryset=FilerUnit.objects.none(), required=False,
        empty_label="（不是本组织单位的填报单位，如组织单位本身）",
        help_text="主办单位是本组织单位下的填报单位时请选择，季度检查时该网站列入其检查结果信息表。")
    operator_unit = forms.CharField(label="承办单位", max_length=100)
    icp_number = forms.CharField(label="ICP备案编号", max_length=50)
    police_record = forms.CharField(label="公安机关备案标识", max_length=50, required=False)
    party_gov_mark = forms.CharField(label="党政机关网站标识", max_length=50, required=False)
    is_portal = forms.BooleanField(label="是否本级政府门户", required=False)
    is_service_platform = forms.BooleanField(label="是否政务服务平台", required=False)
    head_name = forms.CharField(label="负责人姓名", max_length=30)
    head_title = forms.CharField(label="负责人职务", max_length=50)
    head_mobile = forms.CharField(label="负责人手机", max_length=11, validators=[validate_mobile])
    head_landline = forms.CharField(label="负责人座机", max_length=30, required=False, validators=[validate_landline])
    head_email = forms.EmailField(label="负责人邮箱", required=False)
    contact_name = forms.CharField(label="联系人姓名", max_length=30)
    contact_title = forms.CharField(label="联系人职务", max_length=50)
    contact_mobile = forms.CharField(label="联系人手机", max_length=11, validators=[validate_mobile])
    contact_landline = forms.CharField(label="联系人座机", max_length=30, required=False, validators=[validate_landline])
    contact_email = forms.EmailField(label="联系人邮箱", error_messages={"invalid": "请输入正确的邮箱地址"})

    def __init__(self, *args, org_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_unit = org_unit
        for field in self.fields.values():
            field.error_messages.setdefault("required", f"{field.label}不能为空")
            field.error_messages["required"] = f"{field.label}不能为空"
        self.offer_filer_units(org_unit)

    def offer_filer_units(self, org_unit) -> None:
        field = self.fields["sponsor_filer_unit"]
        field.queryset = (FilerUnit.objects.filter(org_unit=org_unit, status=FilerUnit.Status.ACTIVE).order_by("name", "code")
                          if org_unit is not None else FilerUnit.objects.none())
        field.label_from_instance = lambda unit: unit.name
        field.error_messages["invalid_choice"] = "所选填报单位不属于该网站的组织单位，请重新选择。"

    def clean(self):
        data = super().clean()
        unit, text = data.get("sponsor_filer_unit"), (data.get("sponsor") or "").strip()
        if not text and unit is not None:
            text = unit.name  # chosen, not typed: the unit's full name is the 主办单位
        if not text and "sponsor" not in self.errors:
            self.add_error("sponsor", "主办单位不能为空")
        data["sponsor"] = text
        return data

    def clean_is_portal(self):
        value = self.cleaned_data["is_portal"]
        if value and self.org_unit and Website.objects.filter(org_unit=self.org_unit, is_portal=True).exclude(
                filing="rejected").exists():
            raise forms.ValidationError("该组织单位已有本级政府门户网站，一个组织单位只能有一个门户。")
        return value


class TrackingForm(forms.Form):
    tracking_code = forms.CharField(label="临时码", max_length=20, error_messages={"required": "请输入临时码"})


class RejectForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300, error_messages={"required": "退回原因不能为空"})


BASIC_FIELDS = ["name", "homepage", "sponsor", "operator_unit", "icp_number", "police_record", "party_gov_mark", "head_name", "head_title",
                "head_mobile", "head_landline", "head_email", "contact_name", "contact_title", "contact_mobile",
                "contact_landline", "contact_email"]


def split_items(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", "；").split("；") if part.strip()]


class BasicInfoForm(SiteStepTwoForm):
    """基本信息修改: the basic information and the 栏目（系统） of every category."""

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, org_unit=None, **kwargs)
        self.site = site
        self.offer_filer_units(site.org_unit if site is not None else None)
        for name in ("is_portal", "is_service_platform"):
            del self.fields[name]  # 申请门户网站 / 政务服务平台 are their own requests; 其他域名 is 维护其他域名
        # 网站名称 and 首页网址 first (the manual 二.2: a site merged into a platform changes its 网址 here).
        self.fields = {"name": forms.CharField(label="网站名称", max_length=100, error_messages={"required": "网站名称不能为空"}),
                       "homepage": HomepageField(), **self.fields}
        self.categories = COLUMN_CATEGORIES
        current = (site.pending_changes.get("columns") if site and site.pending_changes else None) or (site.columns if site else {})
        for index, category in enumerate(COLUMN_CATEGORIES):
            values = current.get(category, {})
            self.fields[f"col_names_{index}"] = forms.CharField(
                label=f"{category}·栏目（系统）名称", max_length=1000, initial=values.get("names", ""),
                error_messages={"required": f"“{category}”栏目名称不能为空，如确无此类栏目请填写“无”"})
            self.fields[f"col_urls_{index}"] = forms.CharField(
                label=f"{category}·栏目（系统）地址", max_length=4000, initial=values.get("urls", ""),
                error_messages={"required": f"“{category}”栏目地址不能为空，如确无此类栏目请填写“无”"})

    def column_rows(self):
        return [(category, self[f"col_names_{i}"], self[f"col_urls_{i}"]) for i, category in enumerate(self.categories)]

    def clean(self):
        data = super().clean()
        if self.site is not None:
            name = data.get("name", "").strip() if data.get("name") else ""
            homepage = data.get("homepage", "")
            refusals = identity_refusal(self.site, name if name != self.site.name else "",
                                        homepage if homepage and homepage != self.site.homepage else "")
            for field, message in refusals.items():
                self.add_error(field, message)
        check_url = URLValidator(schemes=["http", "https"])
        columns = {}
        for index, category in enumerate(self.categories):
            names, urls = data.get(f"col_names_{index}"), data.get(f"col_urls_{index}")
            if names is None or urls is None:
                continue
            name_list, url_list = split_items(names), split_items(urls)
            if name_list == ["无"] and url_list == ["无"]:
                columns[category] = {"names": "无", "urls": "无"}
                continue
            if len(name_list) != len(url_list):
                self.add_error(f"col_urls_{index}", f"“{category}”的栏目名称与地址数量不一致（用“；”分隔）")
                continue
            for url in url_list:
                try:
                    check_url(url)
                except forms.ValidationError:
                    self.add_error(f"col_urls_{index}", f"“{category}”的栏目地址“{url}”不是正确的网址")
                    break
            columns[category] = {"names": "；".join(name_list), "urls": "；".join(url_list)}
        data["columns"] = columns
        return data

    def changes(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name, "") or "" for name in BASIC_FIELDS}
        values["name"] = values["name"].strip()
        unit = data.get("sponsor_filer_unit")
        return {**values, "sponsor_filer_unit_id": unit.pk if unit else None, "columns": data["columns"]}


class OtherDomainsForm(forms.Form):
    """维护其他域名 (manual 四 2.6): the other valid domains the site also answers on."""

    domains = forms.CharField(label="其他域名（每行一个，如 hd.beijing.gov.cn）", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        if site is not None and not self.is_bound:
            self.fields["domains"].initial = "\n".join(site.other_domains)

    def clean_domains(self):
        domains, errors = parse_domains(self.cleaned_data.get("domains", ""))
        if errors:
            raise forms.ValidationError(errors)
        refusal = domains_refusal(self.site, domains) if self.site is not None else None
        if refusal:
            raise forms.ValidationError(refusal)
        return domains
