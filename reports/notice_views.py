"""【待核查账号】: GB writes and sends notices; L1 units open and download them; GB sees who did."""
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from govmedia.common.uploads import UploadError

from . import services
from .forms import NoticeForm
from .models import Notice, NoticeAttachment
from .selectors import notices_visible_to


def _notice(request, pk) -> Notice:
    """A notice the user may read; any other id (not sent to the unit, or none) is refused alike."""
    notice = notices_visible_to(request.user).filter(pk=pk).first()
    if notice is None:
        raise PermissionDenied("该通知未发送给本单位。")
    return notice


@require_GET
def notice_list(request):
    notices = notices_visible_to(request.user).prefetch_related("attachments")
    if request.user.role == Role.GB:
        from django.db.models import Count, Q

        notices = notices.annotate(sent_to=Count("receipts", distinct=True),
                                   opened=Count("receipts", filter=Q(receipts__opened_at__isnull=False), distinct=True),
                                   downloaded=Count("receipts", filter=Q(receipts__downloaded_at__isnull=False), distinct=True))
    return render(request, "reports/notice_list.html", {"notices": notices, "is_gb": request.user.role == Role.GB,
                                                         "title": services.menu_label_for(request.user) if request.user.role == Role.L1 else "待核查账号"})


@require_http_methods(["GET", "POST"])
def notice_edit(request, pk=None):
    notice = get_object_or_404(Notice, pk=pk) if pk else Notice()
    if notice.pk and notice.status == Notice.Status.SENT:
        messages.error(request, "通知已下发，不能修改。")
        return redirect("notices:detail", pk=notice.pk)
    initial = {"title": notice.title, "menu_label": notice.menu_label, "body": notice.body, "to_all": notice.to_all,
               "recipients": list(notice.recipients.all()) if notice.pk else []}
    form = NoticeForm(request.POST if request.method == "POST" else None, initial=initial, units=services.l1_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_notice(notice, title=data["title"], menu_label=data["menu_label"], body=data["body"],
                             to_all=data["to_all"], recipients=data["recipients"])
        messages.success(request, "通知已保存（草稿），可上传附件后下发。")
        return redirect("notices:detail", pk=notice.pk)
    return render(request, "reports/notice_form.html", {"form": form, "notice": notice})


@require_GET
def notice_detail(request, pk):
    notice = _notice(request, pk)
    if request.user.role == Role.L1:
        services.mark(request.user, notice, "opened_at")
    receipts = notice.receipts.select_related("org_unit") if request.user.role == Role.GB else None
    return render(request, "reports/notice_detail.html", {"notice": notice, "receipts": receipts,
                                                           "is_gb": request.user.role == Role.GB,
                                                           "recipients": notice.recipients.all()})


@require_POST
def notice_attach(request, pk):
    notice = get_object_or_404(Notice, pk=pk)
    try:
        services.add_attachment(notice, request.FILES.get("file"))
    except (services.ReportError, UploadError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已上传。")
    return redirect("notices:detail", pk=notice.pk)


@require_POST
def notice_send(request, pk):
    notice = get_object_or_404(Notice, pk=pk)
    try:
        services.send_notice(notice)
    except services.ReportError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "通知已下发。")
    return redirect("notices:detail", pk=notice.pk)


@require_GET
def attachment_download(request, pk):
    """GB, or a unit the notice was sent to (recorded as downloaded)."""
    attachment = get_object_or_404(NoticeAttachment.objects.select_related("notice"), pk=pk)
    if not notices_visible_to(request.user).filter(pk=attachment.notice_id).exists():
        raise PermissionDenied("该通知未发送给本单位。")
    if request.user.role == Role.L1:
        services.mark(request.user, attachment.notice, "downloaded_at")
    return FileResponse(default_storage.open(attachment.file.name, "rb"), as_attachment=True, filename=attachment.name)
