"""【待核查账号】: any org unit writes and sends notices to units of its subtree (org units and filer
units); the receiving units open and download them; the sender sees who did (decision 0032)."""
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from govmedia.common.uploads import UploadError
from jobs.exports import serve_list
from reviews.buttons import posted_version, refused, render_buttons
from reviews.engine import TransitionError

from . import services
from .forms import NoticeForm
from .models import Notice, NoticeAttachment
from .lists import NOTICE_LIST, own_unit_of
from .selectors import notices_sent_by, notices_visible_to
from .workflow import NOTICE_WORKFLOW, send_notice
from govmedia.common.xlsx import xlsx_download
from .check_views import DOCX_TYPE
from .circular import notice_docx

RECEIPTS_SHOWN = 500


def _notice(request, pk) -> Notice:
    """A notice the user may read; any other id (not sent to the unit, or none) is a 404 alike."""
    notice = notices_visible_to(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("该通知未发送给本单位。")
    return notice


def _own(request, pk) -> Notice:
    notice = notices_sent_by(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("只能处理本单位的通知。")
    return notice


@require_http_methods(["GET", "POST"])
def notice_list(request):
    label, unread = services.menu_state(request.user)
    return serve_list(request, NOTICE_LIST, "reports/notice_list.html", {
        "title": label, "unread": unread, "may_write": own_unit_of(request.user) is not None, "empty_text": "暂无通知"})


def _form(request, notice: Notice):
    sender = request.user.org_unit
    initial = {"title": notice.title, "menu_label": notice.menu_label, "body": notice.body,
               "audience": notice.audience,
               "recipients": list(notice.recipients.all()) if notice.pk else [],
               "filer_recipients": list(notice.filer_recipients.all()) if notice.pk else []}
    return NoticeForm(request.POST if request.method == "POST" else None, initial=initial,
                      units=services.child_units(sender), filers=services.own_filers(sender), root=sender.is_root)


@require_http_methods(["GET", "POST"])
def notice_edit(request, pk=None):
    notice = _own(request, pk) if pk else Notice(sender=request.user.org_unit)
    if notice.pk and notice.status == Notice.Status.SENT:
        messages.error(request, "通知已下发，不能修改。")
        return redirect("notices:detail", pk=notice.pk)
    form = _form(request, notice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_notice(notice, request.user, title=data["title"], menu_label=data["menu_label"], body=data["body"],
                                 audience=data["audience"], recipients=data["recipients"],
                                 filer_recipients=data["filer_recipients"])
        except services.ReportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "通知已保存（草稿），可上传附件后下发。")
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "reports/notice_form.html", {"form": form, "notice": notice})


@require_GET
def notice_detail(request, pk):
    notice = _notice(request, pk)
    mine = request.user.kind == User.Kind.ORG and notice.sender_id == request.user.org_unit_id
    if not mine:
        services.mark(request.user, notice, "opened_at")
    receipts = notice.receipts.all()[:RECEIPTS_SHOWN] if mine else None
    return render(request, "reports/notice_detail.html", {
        "notice": notice, "receipts": receipts, "mine": mine, "audience": services.audience_text(notice),
        "receipt_total": notice.receipts.count() if mine else 0, "receipts_shown": RECEIPTS_SHOWN,
        "send_button": render_buttons(request, NOTICE_WORKFLOW, notice, lambda t, n: reverse("notices:send", args=[n.pk]))
        if mine else ""})


@require_POST
def notice_attach(request, pk):
    notice = _own(request, pk)
    try:
        services.add_attachment(notice, request.FILES.get("file"))
    except (services.ReportError, UploadError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已上传。")
    return redirect("notices:detail", pk=notice.pk)


@require_POST
def notice_send(request, pk):
    notice = _own(request, pk)
    try:
        send_notice(notice, request.user, posted_version(request))
    except TransitionError as exc:
        return refused(request, exc, reverse("notices:detail", args=[notice.pk]), "返回通知")
    messages.success(request, "通知已下发。")
    return redirect("notices:detail", pk=notice.pk)


@require_GET
def attachment_download(request, pk):
    """The sender, or a unit the notice was sent to (recorded as downloaded)."""
    attachment = NoticeAttachment.objects.select_related("notice").filter(pk=pk).first()
    if attachment is None or not notices_visible_to(request.user).filter(pk=attachment.notice_id).exists():
        raise Http404("该通知未发送给本单位。")
    services.mark(request.user, attachment.notice, "downloaded_at")
    return FileResponse(default_storage.open(attachment.file.name, "rb"), as_attachment=True, filename=attachment.name)


@require_GET
def circular_preview(request, pk):
    """预览通报: the .docx a 通报 draft will carry, from its current text and today's figures."""
    notice = _own(request, pk)
    if not notice.is_circular:
        raise Http404("该通知不是季度通报。")
    name, content = notice_docx(request.user, notice)
    return xlsx_download(content, name, content_type=DOCX_TYPE)
