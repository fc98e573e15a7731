from django.contrib import admin

from .models import Job, ScheduledRun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "requested_by", "status", "rows_written", "rows_total", "attempts", "worker_id",
                    "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "requested_by__username")
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("name", "period", "enqueued_at", "started_at", "finished_at", "error")
    list_filter = ("name",)
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]
