"""批量导入 pages: 下载模板, upload and check, then 提交 / 暂存 of a clean file."""
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.common.storage import StorageFailure, save_file, staging_name
from govmedia.common.uploads import UploadError, read_xlsx_upload
from govmedia.common.xlsx import xlsx_download
from reviews.engine import TransitionError

from . import imports
from .platforms import display_type

SESSION_ERRORS = "media_import_errors"
SESSION_PENDING = "media_import_file"
TEMPLATE_NAMES = {"region": "新媒体账号批量导入模板（地区）.xlsx", "ministry": "新媒体账号批量导入模板（部委）.xlsx"}


@require_GET
def import_template(request, kind):
    if kind not in TEMPLATE_NAMES:
        kind = "region"
    return xlsx_download(imports.build_template(kind), TEMPLATE_NAMES[kind])


@require_http_methods(["GET", "POST"])
def import_upload(request):
    context = {"max_rows": imports.MAX_ROWS}
    if request.method == "GET":
        return render(request, "accounts_media/import.html", context)
    try:
        content = read_xlsx_upload(request.FILES.get("file"))
    except UploadError as exc:
        return render(request, "accounts_media/import.html", {**context, "refusal": exc.message}, status=400)
    result = imports.parse_and_validate(content)
    if result.message:
        return render(request, "accounts_media/import.html", {**context, "refusal": result.message}, status=400)
    if result.errors:
        request.session[SESSION_ERRORS] = result.errors[:20000]
        return render(request, "accounts_media/import.html", {**context, "errors": result.errors[:200],
                                                              "error_count": len(result.errors)}, status=400)
    _discard_pending(request)
    try:  # staged in the shared storage: 提交/暂存 may reach another app server; removed after a day
        name = save_file(default_storage, staging_name("media-import", "xlsx"), ContentFile(content))
    except StorageFailure as exc:
        return render(request, "accounts_media/import.html", {**context, "refusal": exc.message}, status=503)
    request.session[SESSION_PENDING] = name
    preview = [{**row, "type_label": display_type(row["account_type"], row["wechat_kind"] or None, row["platform_name"])}
               for row in result.rows[:50]]
    return render(request, "accounts_media/import_confirm.html", {"rows": preview, "count": len(result.rows)})


@require_POST
def import_confirm(request):
    """提交 (all rows → 添加待审核) or 暂存 (all → 未提交); checked again, written in one transaction."""
    name = request.session.get(SESSION_PENDING)
    if not name or not default_storage.exists(name):
        messages.error(request, "导入文件已失效，请重新上传。")
        return redirect("media:import")
    if "cancel" in request.POST:
        _discard_pending(request)
        messages.info(request, "已取消导入，未保存任何数据。")
        return redirect("media:list")
    with default_storage.open(name, "rb") as handle:
        result = imports.parse_and_validate(handle.read())
    if not result.ok:
        request.session[SESSION_ERRORS] = result.errors[:20000]
        _discard_pending(request)
        return render(request, "accounts_media/import.html", {"max_rows": imports.MAX_ROWS, "refusal": result.message,
                                                              "errors": result.errors[:200], "error_count": len(result.errors)},
                      status=400)
    submit = "submit" in request.POST
    try:
        count = imports.import_rows(request.user, result.rows, submit=submit)
    except TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("media:import")
    _discard_pending(request)
    messages.success(request, f"导入成功：{count} 个账号已{'提交，等待审核' if submit else '暂存到【未提交】列表'}。")
    return redirect(f"{request.build_absolute_uri('/media/')}?tab={'submitted' if submit else 'drafts'}")


@require_GET
def import_errors(request):
    errors = request.session.get(SESSION_ERRORS) or []
    return xlsx_download(imports.errors_workbook(errors), "批量导入错误详情.xlsx")


def _discard_pending(request):
    name = request.session.pop(SESSION_PENDING, None)
    if name and default_storage.exists(name):
        default_storage.delete(name)
