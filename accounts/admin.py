from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from reviews import journal
from reviews.journal_admin import JournaledAdminMixin

from . import ops_roles
from .models import User
from .services import scope_path_of


class JournaledPasswordChangeForm(AdminPasswordChangeForm):
    """运维重置密码 in the admin, journaled (the ops user and address come from the request)."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            journal.record(user, "password_reset_ops", scope_path=scope_path_of(user),
                           changes=[{"field": "password", "label": "密码", "old": "", "new": "已由运维人员重置"}])
        return user


@admin.register(User)
class UserAdmin(JournaledAdminMixin, DjangoUserAdmin):
    change_password_form = JournaledPasswordChangeForm
    list_display = ["username", "kind", "ops_role", "org_unit", "is_active", "must_change_password", "last_login"]
    list_filter = ["kind", "ops_role", "is_active", "is_staff", "must_change_password"]
    search_fields = ["=username", "org_unit__name"]
    raw_id_fields = ["org_unit"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    list_select_related = ["org_unit"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["username", "password", "kind", "org_unit"]}),
        ("状态", {"fields": ["is_active", "must_change_password", "password_changed_at", "last_login", "date_joined"]}),
        ("运维权限（三员分立）", {"fields": ["is_staff", "ops_role"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "kind", "org_unit", "password1", "password2"]})]

    def journal_scope_path(self, obj) -> str:
        return scope_path_of(obj)

    # 三员分立 (accounts/ops_roles.py): the 系统管理员 manages the units' logins, the 安全管理员 the
    # ops logins and their roles; neither sees the other's.
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        role = ops_roles.role_of(request.user)
        if role == ops_roles.OpsRole.SYSADMIN:
            return qs.exclude(kind=User.Kind.OPS)
        if role == ops_roles.OpsRole.SECADMIN:
            return qs.filter(kind=User.Kind.OPS)
        return qs

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if ops_roles.role_of(request.user) != ops_roles.OpsRole.SECADMIN and not request.user.is_superuser:
            fields += ["is_staff", "ops_role"]
        if ops_roles.role_of(request.user) == ops_roles.OpsRole.SECADMIN:
            fields += ["username", "kind", "org_unit"]
        return fields

    def has_add_permission(self, request):
        return ops_roles.role_of(request.user) != ops_roles.OpsRole.SECADMIN and super().has_add_permission(request)


journal.register_search("user", lambda term: User.objects.filter(username__iexact=term).values_list("pk", flat=True))
