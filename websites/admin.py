from django.contrib import admin
from django.db.models import Q

from reviews import journal
from reviews.journal_admin import JournaledAdminMixin

from .models import Website


@admin.register(Website)
class WebsiteAdmin(JournaledAdminMixin, admin.ModelAdmin):
    """Ops staff: find a site, and mark it 例外 or 删除 (运行状态) when GB asks; everything else
    changes through the review rules."""

    list_display = ["name", "site_code", "org_unit", "filing", "run_status", "is_portal"]
    list_filter = ["filing", "run_status", "is_portal", "is_service_platform"]
    search_fields = ["=site_code", "name", "homepage", "=tracking_code"]
    list_select_related = ["org_unit"]
    show_full_result_count = False
    fields = ["name", "homepage", "site_code", "org_unit", "filing", "run_status", "is_portal", "is_service_platform",
              "sponsor", "operator_unit", "icp_number", "tracking_code", "final_approved_at", "created_at", "updated_at"]
    readonly_fields = [f for f in fields if f != "run_status"]
    # 例外 / 删除 on the 运行状态 are journaled by the run-status transition table, not here.
    journal_exclude = ("run_status",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


journal.register_search("website", lambda term: Website.objects.filter(
    Q(site_code=term) | Q(tracking_code=term) | Q(name__icontains=term)).values_list("pk", flat=True))
