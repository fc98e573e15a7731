"""The 审计管理员's pages in the ops admin (decision record 0053): the chain checks, the monthly
archives (download), and the export of the journal for a period. Read-only for everyone."""
from datetime import datetime, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from . import audit, journal
from .models import JournalArchive, JournalCheck


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JournalCheck)
class JournalCheckAdmin(ReadOnlyAdmin):
    list_display = ["at", "ok", "checked", "unsealed", "problems"]
    list_filter = ["ok"]
    readonly_fields = list_display


class PeriodForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期（含）", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        return data


@admin.register(JournalArchive)
class JournalArchiveAdmin(ReadOnlyAdmin):
    list_display = ["month", "kind", "rows", "download", "sha256", "sm3", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["month", "kind", "rows", "file_name", "sha256", "sm3", "created_at"]

    @admin.display(description="下载")
    def download(self, obj):
        return format_html('<a href="{}">下载</a>', reverse("admin:reviews_journalarchive_download", args=[obj.pk]))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/download/", wrap(self.download_view), name="reviews_journalarchive_download"),
            path("export/", wrap(self.export_view), name="reviews_journal_export_period"),
            *super().get_urls(),
        ]

    def _require_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def download_view(self, request, pk):
        self._require_view(request)
        archive = get_object_or_404(JournalArchive, pk=pk)
        journal.record(archive, "audit_export", subject_type="system", subject_label=str(archive))
        return FileResponse(default_storage.open(archive.file_name), as_attachment=True,
                            filename=archive.file_name.rsplit("/", 1)[-1])

    def export_view(self, request):
        """导出审计日志: the journal of a period as CSV, streamed (any length)."""
        self._require_view(request)
        form = PeriodForm(request.GET or None)
        if form.is_valid():
            start = timezone.make_aware(datetime.combine(form.cleaned_data["start"], datetime.min.time()))
            end = timezone.make_aware(datetime.combine(form.cleaned_data["end"] + timedelta(days=1), datetime.min.time()))
            journal.record(None, "audit_export", subject_type="system", subject_label="流水（操作日志）",
                           data={"start": str(form.cleaned_data["start"]), "end": str(form.cleaned_data["end"])})
            response = StreamingHttpResponse(audit.export_period_rows(start, end), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f"attachment; filename*=UTF-8''audit-{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv")
            return response
        context = {**self.admin_site.each_context(request), "form": form, "title": "按时间段导出审计日志",
                   "retention": audit.retention_days(), "latest": audit.latest_check()}
        return render(request, "admin/reviews/export_period.html", context)
