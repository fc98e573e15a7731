from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from govmedia.common import masking
from reviews import journal
from reviews.engine import TransitionError
from reviews.journal_admin import JournaledAdminMixin

from .models import MediaAccount
from .services import perform


class DeleteForm(forms.Form):
    reason = forms.CharField(label="删除原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(MediaAccount)
class MediaAccountAdmin(masking.RevealJournaledAdminMixin, JournaledAdminMixin, admin.ModelAdmin):
    """Read-only for ops staff, but for 删除（退出监管）, which goes through the same rule as GB's."""

    list_display = ["media_code", "name", "account_type", "status", "filer_unit", "updated_at", "removal"]
    list_filter = ["status", "account_type", "removal"]
    search_fields = ["=media_code", "name", "=filer_unit__code", "=platform_id"]
    list_select_related = ["filer_unit"]
    show_full_result_count = False
    readonly_fields = [f.name for f in MediaAccount._meta.fields]
    change_form_template = "admin/accounts_media/mediaaccount/change_form.html"  # on masking's (查看完整联系方式)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the soft delete with a reason below, never a row delete

    def get_urls(self):
        return [path("<int:pk>/retire/", self.admin_site.admin_view(self.retire_view), name="accounts_media_retire")] + super().get_urls()

    def has_retire_permission(self, request) -> bool:
        """删除（退出监管） needs the model's delete permission (the row itself is never deleted)."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.delete_{opts.model_name}")

    def retire_view(self, request, pk):
        if not self.has_retire_permission(request):
            raise PermissionDenied
        account = get_object_or_404(MediaAccount, pk=pk)
        form = DeleteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                perform(account, "delete", request.user, form.cleaned_data)
            except TransitionError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已删除（退出监管）：{account.name}")
            return redirect(reverse("admin:accounts_media_mediaaccount_change", args=[pk]))
        return render(request, "admin/accounts_media/retire.html", {
            **self.admin_site.each_context(request), "form": form, "account": account, "title": "删除（退出监管）"})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"retire_url": reverse("admin:accounts_media_retire", args=[object_id])
                 if self.has_retire_permission(request) else ""}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})


journal.register_search("media_account", lambda term: MediaAccount.objects.filter(
    Q(media_code=term) | Q(name__icontains=term)).values_list("pk", flat=True))
