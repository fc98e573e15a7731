from django.contrib import admin

from .models import CheckResult, CheckRun, Finding


@admin.register(CheckRun)
class CheckRunAdmin(admin.ModelAdmin):
    list_display = ("id", "trigger", "status", "started_at", "finished_at", "objects_done", "objects_total", "concurrency",
                    "opened", "closed")
    list_filter = ("status", "trigger")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CheckResult)
class CheckResultAdmin(admin.ModelAdmin):
    list_display = ("id", "run", "kind", "account", "website", "ok", "status_code", "elapsed_ms", "detail", "checked_at")
    list_filter = ("kind", "ok")
    raw_id_fields = ("run", "account", "website")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "account", "website", "detail", "first_seen", "last_seen", "closed_at")
    list_filter = ("kind",)
    raw_id_fields = ("account", "website", "last_run", "sheet_item")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
