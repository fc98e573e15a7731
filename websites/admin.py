from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from reviews import journal
from reviews.engine import TransitionError
from reviews.journal_admin import JournaledAdminMixin

from .models import Website
from .offline import RUN_WORKFLOW

OPS_ACTIONS = ("mark_exception", "mark_deleted")  # 例外 / 删除 (运行状态), when GB asks


class RunStatusForm(forms.Form):
    reason = forms.CharField(label="原因（依据国办通知等）", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写原因。"})


@admin.register(Website)
class WebsiteAdmin(JournaledAdminMixin, admin.ModelAdmin):
    """Ops staff: find a site, and mark it 例外 or 删除 (运行状态) when GB asks — through the
    运行状态 table of the review engine, so the 流水 records who, when and why. Nothing else is
    edited here; everything else changes through the review rules."""

    list_display = ["name", "site_code", "org_unit", "filing", "run_status", "is_portal"]
    list_filter = ["filing", "run_status", "is_portal", "is_service_platform"]
    search_fields = ["=site_code", "name", "homepage", "=tracking_code"]
    list_select_related = ["org_unit"]
    show_full_result_count = False
    fields = ["name", "homepage", "site_code", "org_unit", "filing", "run_status", "is_portal", "is_service_platform",
              "sponsor", "operator_unit", "icp_number", "tracking_code", "final_approved_at", "created_at", "updated_at"]
    readonly_fields = fields
    # 例外 / 删除 on the 运行状态 are journaled by the run-status transition table, not by the admin mixin.
    journal_exclude = ("run_status",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("<int:pk>/run-status/<str:action>/", self.admin_site.admin_view(self.run_status_view),
                     name="websites_website_run_status")] + super().get_urls()

    def run_status_view(self, request, pk, action):
        site = get_object_or_404(Website, pk=pk)
        if action not in OPS_ACTIONS:
            messages.error(request, "不支持的操作。")
            return redirect(reverse("admin:websites_website_change", args=[pk]))
        transition = RUN_WORKFLOW.get(action)
        form = RunStatusForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                RUN_WORKFLOW.apply(site, action, request.user, form.cleaned_data, expected_version=_version(request))
            except TransitionError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"“{site.name}”的运行状态已设为{transition.label}。")
            return redirect(reverse("admin:websites_website_change", args=[pk]))
        return render(request, "admin/websites/website/run_status.html", {
            **self.admin_site.each_context(request), "form": form, "site": site, "transition": transition,
            "title": f"运行状态设为{transition.label}"})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        site = self.get_object(request, object_id)
        actions = [(t.label, reverse("admin:websites_website_run_status", args=[object_id, t.name]))
                   for t in RUN_WORKFLOW.allowed(site, request.user) if t.name in OPS_ACTIONS] if site else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "run_actions": actions})


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


journal.register_search("website", lambda term: Website.objects.filter(
    Q(site_code=term) | Q(tracking_code=term) | Q(name__icontains=term)).values_list("pk", flat=True))
