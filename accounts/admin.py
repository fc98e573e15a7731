from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "kind", "org_unit", "is_active", "must_change_password", "last_login"]
    list_filter = ["kind", "is_active", "is_staff", "must_change_password"]
    search_fields = ["=username", "org_unit__name"]
    raw_id_fields = ["org_unit"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]
    list_select_related = ["org_unit"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["username", "password", "kind", "org_unit"]}),
        ("状态", {"fields": ["is_active", "must_change_password", "password_changed_at", "last_login", "date_joined"]}),
        ("运维权限", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "kind", "org_unit", "password1", "password2"]})]
