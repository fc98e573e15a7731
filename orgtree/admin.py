from django import forms
from django.contrib import admin, messages
from django.db.models import Q

from govmedia.common import masking
from reviews import journal
from reviews.journal_admin import JournaledAdminMixin

from .models import FilerUnit, OrgUnit
from .services import EDITABLE_FIELDS, OrgTreeError, create_org_unit, move_org_unit, update_org_unit


class OrgUnitAdminForm(forms.ModelForm):
    parent_code = forms.CharField(
        label="上级组织单位代码", max_length=6, required=False, help_text="输入6位代码，例如 110000；修改即挂接到新的上级（整棵子树随之移动）。"
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "is_active", "contact_person", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.parent_id:
            self.fields["parent_code"].initial = self.instance.parent.code
        if self.instance.pk:
            self.fields["code"].disabled = True

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.instance.pk and OrgUnit.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(f"组织单位代码 {code} 已存在。")
        return code

    def clean_parent_code(self):
        code = self.cleaned_data["parent_code"].strip()
        if not code:
            if self.instance.pk and self.instance.is_root:
                return None
            raise forms.ValidationError("请填写上级组织单位代码。")
        parent = OrgUnit.objects.filter(code__iexact=code).first()
        if parent is None:
            raise forms.ValidationError(f"组织单位代码 {code} 不存在。")
        if self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError("不能挂接到自己或自己的下级单位下。")
        return parent


@admin.register(OrgUnit)
class OrgUnitAdmin(masking.RevealJournaledAdminMixin, admin.ModelAdmin):
    form = OrgUnitAdminForm
    list_display = ["code", "name", "level", "kind", "parent_display", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["=code", "name"]
    readonly_fields = ["path", "level"]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description="上级组织单位")
    def parent_display(self, obj):
        return obj.parent.name if obj.parent_id else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["code", "name", "kind", "parent_code", "level", "path", "is_active"]}),
                ("联系方式", {"fields": ["contact_person", "contact_phone", "contact_email"]})]

    def save_model(self, request, obj, form, change):
        """Through the services, which journal each change (who, from which address, old → new)."""
        parent = form.cleaned_data.get("parent_code")
        if not change:
            contact = {f: form.cleaned_data[f] for f in ["contact_person", "contact_phone", "contact_email"]}
            try:
                created = create_org_unit(obj.code, obj.name, parent, obj.kind, user=request.user, **contact)
            except OrgTreeError as exc:
                messages.error(request, str(exc))
                return
            obj.pk, obj.path, obj.level = created.pk, created.path, created.level
            return
        # Contacts masked until a reason is given (the reveal) are not in the form: they stay as stored.
        update_org_unit(obj, user=request.user, **{f: form.cleaned_data[f] for f in EDITABLE_FIELDS if f in form.cleaned_data})
        if parent is not None and parent.pk != obj.parent_id:
            try:
                move_org_unit(obj, parent, user=request.user)
            except OrgTreeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已将 {obj.name} 及其下级单位挂接到 {parent.name} 下。")

    def has_delete_permission(self, request, obj=None):
        return False  # units are switched off (启用), never deleted: the journal refers to them


@admin.register(FilerUnit)
class FilerUnitAdmin(masking.RevealJournaledAdminMixin, JournaledAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "org_unit", "status", "media_count", "created_at"]
    list_filter = ["status", "org_unit__level", "org_unit__kind"]
    search_fields = ["=code", "name", "=org_unit__code"]
    list_select_related = ["org_unit"]
    raw_id_fields = ["org_unit"]
    # Status and attachment change only through the rules (删除 with a reason by the org unit;
    # 挂接关系 of org units), never by editing the row: accounts carry the org path.
    readonly_fields = ["code", "org_unit", "status", "created_at", "updated_at", "info_completed_at", "media_count",
                       "account_total", "deleted_at", "delete_reason", "deleted_by"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["code", "name", "org_unit", "status", "created_at", "updated_at"]}),
        ("新媒体工作负责人", {"fields": ["head_name", "head_title", "head_mobile", "head_landline"]}),
        ("新媒体工作联系人", {"fields": ["contact_name", "contact_title", "contact_mobile", "contact_landline",
                                   "info_completed_at"]}),
        ("账号与删除", {"fields": ["media_count", "account_total", "deleted_at", "delete_reason", "deleted_by"]}),
    ]

    def has_add_permission(self, request):
        return False  # created by L1 units (【填报单位用户管理】→【添加】), which generates code and password

    def has_delete_permission(self, request, obj=None):
        return False  # deletion is soft, with a reason, by the org unit the filer is attached to


# The journal's admin search finds entries about the org units and filer units a term names.
journal.register_search("org_unit", lambda term: OrgUnit.objects.filter(
    Q(code__iexact=term) | Q(name__icontains=term)).values_list("pk", flat=True))
journal.register_search("filer_unit", lambda term: FilerUnit.objects.filter(
    Q(code__iexact=term) | Q(name__icontains=term)).values_list("pk", flat=True))
