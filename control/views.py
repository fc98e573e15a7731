"""Proof of control on the 查看 pages (0058): 立即检查 (a queued check), the manual attestation
(upload, approve, reject through the engine table) and its screenshot. Thin: services and the
workflow do the work."""
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.common.redirects import safe_next
from govmedia.common.storage import StorageFailure, save_file
from reviews.engine import TransitionError

from .models import MEDIA, Proof
from .selectors import visible_object
from .services import current_proof, proof_for
from .workflow import WORKFLOW
from django.shortcuts import get_object_or_404
from govmedia.common.lists import open_closed_tabs, render_list
from jobs.exports import export_requested
from .lists import PORTAL_LIST, STATES, items_visible_to
from .portal import close_item
from .tasks import verify_task

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def _back(request, subject_type, pk):
    back = safe_next(request, request.POST.get("next"))
    if back:
        return redirect(back)
    if subject_type == MEDIA:
        return redirect("media:detail", pk=pk)
    if request.user.org_unit_id:
        return redirect("websites:review_detail", pk=pk)
    return redirect("websites:site_home")


@require_POST
def check_now(request, subject_type, pk):
    obj = visible_object(request.user, subject_type, pk)
    if current_proof(obj) is None:   # 生成验证码: nothing placed yet, nothing to look for
        proof_for(obj, request.user)
        messages.success(request, "已生成验证码，请按说明放置后点击“立即检查”。")
        return _back(request, subject_type, pk)
    proof = proof_for(obj, request.user)
    verify_task.enqueue(proof.pk, request.user.pk)
    messages.success(request, "已开始检查验证码，稍后刷新本页查看结果。")
    return _back(request, subject_type, pk)


def _image_extension(upload) -> str | None:
    head = upload.read(8)
    upload.seek(0)
    return next((ext for magic, ext in IMAGE_MAGIC.items() if head.startswith(magic)), None)


@require_POST
def attestation(request, subject_type, pk, action):
    obj = visible_object(request.user, subject_type, pk)
    proof = proof_for(obj, request.user)
    name = {"submit": "attest_submit", "approve": "attest_approve", "reject": "attest_reject"}.get(action)
    if name is None:
        raise Http404
    data = {"reason": request.POST.get("reason", "")}
    if name == "attest_submit":
        refusal = WORKFLOW.refusal(proof, request.user, name)   # refuse before storing anything
        if refusal is not None:
            messages.error(request, refusal.message)
            return _back(request, subject_type, pk)
        upload = request.FILES.get("screenshot")
        extension = _image_extension(upload) if upload else None
        if upload is None or extension is None or upload.size > MAX_SCREENSHOT_BYTES:
            messages.error(request, "请上传不超过5MB的截图（PNG或JPG格式）。")
            return _back(request, subject_type, pk)
        try:
            data["screenshot_name"] = save_file(proof.screenshot.storage, f"control/{proof.pk}-{proof.version + 1}.{extension}",
                                                upload)
        except StorageFailure as exc:
            messages.error(request, str(exc))
            return _back(request, subject_type, pk)
    try:
        WORKFLOW.apply(proof, name, request.user, data, expected_version=_version(request))
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, {"attest_submit": "截图已提交，等待组织单位审核。", "attest_approve": "已通过人工核验，状态为已验证。",
                                   "attest_reject": "已驳回人工核验。"}[name])
    return _back(request, subject_type, pk)


def _version(request):
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@require_GET
def screenshot(request, subject_type, pk):
    obj = visible_object(request.user, subject_type, pk)
    proof = Proof.objects.filter(subject_type=subject_type, subject_id=obj.pk).first()
    if proof is None or not proof.screenshot:
        raise Http404
    return FileResponse(proof.screenshot.open("rb"), filename=proof.screenshot.name.rsplit("/", 1)[-1])


@require_http_methods(["GET", "POST"])
def portal_items(request):
    """门户账号清单核查: the org unit's 待核查 of its subtree, tabs with counts (one aggregate)."""
    export = export_requested(request, PORTAL_LIST)
    if export is not None:
        return export
    listed, visible = PORTAL_LIST.querysets(request)
    tabs = open_closed_tabs(request, visible, STATES)
    return render_list(request, PORTAL_LIST, listed, "control/portal_items.html", {"state_tabs": tabs})


@require_POST
def portal_close(request, pk):
    close_item(get_object_or_404(items_visible_to(request.user).select_related("website"), pk=pk), request.user)
    messages.success(request, "已标记为已处理。")
    return redirect(safe_next(request, request.POST.get("next")) or "control:portal_items")
