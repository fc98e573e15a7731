from django.contrib import admin

from govmedia.common import masking

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(masking.RevealJournaledAdminMixin, admin.ModelAdmin):
    """Read-only: what was sent to whom, and how far its SMS and e-mail got (待发送, 发送中, 已发送,
    发送失败 with the attempts made and the last gateway error). The number and address show masked
    until a reason is given (查看完整联系方式, journaled)."""

    list_display = ("created_at", "user", "kind", "title", "read_at", "sms_state", "sms_attempts", "email_state",
                    "email_attempts", "delivery_error")
    list_filter = ("kind", "sms_state", "email_state")
    search_fields = ("user__username", "title")
    raw_id_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("user", "kind", "title", "body", "link", "created_at", "read_at", "shown", "dedupe_key")}),
        ("短信", {"fields": ("sms_state", "sms_to", "sms_attempts", "sms_claimed_at", "sms_next_at", "sms_error")}),
        ("电子邮件", {"fields": ("email_state", "email_to", "email_attempts", "email_claimed_at", "email_next_at",
                             "email_error")}),
    )

    def reveal_subject(self, obj) -> dict:
        return {"subject_type": "user", "subject_id": obj.user_id, "subject_label": f"{obj.user}（消息：{obj.title}）"}

    @admin.display(description="最近错误")
    def delivery_error(self, obj):
        return "；".join(f"{label}：{text}" for label, text in (("短信", obj.sms_error), ("邮件", obj.email_error)) if text)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
