from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom, and how far its SMS and e-mail got."""

    list_display = ("created_at", "user", "kind", "title", "read_at", "sms_state", "email_state")
    list_filter = ("kind", "sms_state", "email_state")
    search_fields = ("user__username", "title")
    raw_id_fields = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
