from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from reviews import journal
from reviews.journal_admin import JournaledAdminMixin

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

    def journal_scope_path(self, obj) -> str:
        return scope_path_of(obj)


journal.register_search("user", lambda term: User.objects.filter(username__iexact=term).values_list("pk", flat=True))
