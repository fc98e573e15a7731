from django.contrib import admin

from reviews.journal_admin import JournaledAdminMixin

from .models import CheckResult, CheckRun, ExpressionRule, Finding, Indicator, Verdict


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


@admin.register(Indicator)
class IndicatorAdmin(JournaledAdminMixin, admin.ModelAdmin):
    """The inspection indicators (decision 0045): ops edit thresholds, switch one off; journaled."""

    list_display = ("code", "subject", "name", "veto", "rule", "thresholds", "problem", "enabled")
    list_filter = ("subject", "veto", "enabled")
    list_editable = ("enabled",)
    readonly_fields = ("code", "rule", "source")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExpressionRule)
class ExpressionRuleAdmin(JournaledAdminMixin, admin.ModelAdmin):
    """严重表述错误 dictionary: ops add, correct or switch off rules; journaled."""

    list_display = ("wrong", "right", "exceptions", "source", "enabled")
    list_filter = ("source", "enabled")
    search_fields = ("wrong", "right")


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ("id", "indicator", "account", "website", "period", "detail", "last_seen")
    list_filter = ("indicator", "period")
    raw_id_fields = ("account", "website")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
