from django.contrib import admin

from reviews import journal
from reviews.journal_admin import JournaledAdminMixin

from .models import CheckRound, CheckSheet, Notice, NoticeReceipt, SpotCheckItem, SpotCheckReport


class ItemInline(admin.TabularInline):
    model = SpotCheckItem
    extra = 0
    readonly_fields = ["media_code", "type_label", "name", "operator", "passed", "problems", "problem_other", "rectification"]
    fields = readonly_fields
    can_delete = False


@admin.register(SpotCheckReport)
class SpotCheckReportAdmin(JournaledAdminMixin, admin.ModelAdmin):
    list_display = ["org_unit", "kind", "year", "quarter", "checked_count", "failed_count", "status", "submitted_at"]
    list_filter = ["kind", "year", "quarter", "status"]
    search_fields = ["=org_unit__code", "org_unit__name"]
    list_select_related = ["org_unit"]
    readonly_fields = ["org_unit", "kind", "year", "quarter", "checked_count", "failed_count", "created_at", "submitted_at",
                       "document_stored", "document_name"]
    exclude = ["document"]
    inlines = [ItemInline]

    @admin.display(description="季度报告（存储名）")
    def document_stored(self, obj):
        # Files have no public URL (DatabaseStorage): GB and the unit download through the report page.
        return obj.document.name or "—"


class ReceiptInline(admin.TabularInline):
    model = NoticeReceipt
    extra = 0
    readonly_fields = ["org_unit", "filer_unit", "unit_name", "opened_at", "downloaded_at"]
    can_delete = False


@admin.register(Notice)
class NoticeAdmin(JournaledAdminMixin, admin.ModelAdmin):
    list_display = ["title", "sender", "menu_label", "audience", "status", "sent_at"]
    list_filter = ["status", "audience"]
    raw_id_fields = ["sender", "recipients", "filer_recipients"]
    search_fields = ["title"]
    readonly_fields = ["status", "sent_at", "created_at"]
    inlines = [ReceiptInline]


@admin.register(CheckRound)
class CheckRoundAdmin(admin.ModelAdmin):
    """检查季度: read-only for ops (units open them on their pages)."""
    list_display = ["title", "opened_by", "year", "quarter", "opened_at"]
    list_filter = ["year", "quarter"]
    readonly_fields = ["opened_by", "year", "quarter", "title", "deadlines", "opened_at"]

    def has_add_permission(self, request):
        return False


class SheetItemInline(ItemInline):
    fk_name = "sheet"
    readonly_fields = ItemInline.readonly_fields + ["unregistered", "link"]
    fields = readonly_fields


@admin.register(CheckSheet)
class CheckSheetAdmin(admin.ModelAdmin):
    """检查结果信息表: read-only for ops; units fill, review and return them on their pages."""
    list_display = ["unit_name", "year", "quarter", "status", "due_date", "checked_count", "failed_count", "submitted_at"]
    list_filter = ["year", "quarter", "status"]
    search_fields = ["unit_name", "=org_unit__code"]
    list_select_related = ["org_unit"]
    readonly_fields = [f.name for f in CheckSheet._meta.fields]
    inlines = [SheetItemInline]

    def has_add_permission(self, request):
        return False


journal.register_search("report", lambda term: SpotCheckReport.objects.filter(org_unit__code__iexact=term).values_list(
    "pk", flat=True))
journal.register_search("notice", lambda term: Notice.objects.filter(title__icontains=term).values_list("pk", flat=True))
