"""Uploads that cannot even be received — the local temp folder of large uploads full, read-only
or not writable — are answered with a Chinese page, not a 500.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to FILE_UPLOAD_TEMP_DIR while
it parses the request body. That parse happens in the first code that reads request.POST (the
CSRF check), so this middleware, placed before CsrfViewMiddleware, reads it first and turns an
OSError into a 503 with the storage message, and closes (so removes) the partial temp file
the upload handler was writing. Nothing of the request is processed, so any previously stored document is untouched.
"""
import logging

from django.http import HttpResponse
from django.utils.html import format_html

from .storage import storage_error_message

logger = logging.getLogger(__name__)

PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>文件上传失败 · 全国政务新媒体与政府网站报送系统</title></head>
<body>
  <h1>文件上传失败</h1>
  <p data-testid="upload-failure">{}</p>
  <p><a href="javascript:history.back()">返回上一页</a></p>
</body>
</html>
"""


class UploadFailureMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 — parses the body, writing large files to the temp folder
                request.FILES  # noqa: B018
            except OSError as exc:
                logger.error("an upload could not be received: %s", exc)
                _remove_partial_files(request)
                message = storage_error_message(exc).replace("文件未能保存", "上传的文件未能接收（服务器临时目录）")
                return HttpResponse(format_html(PAGE, message), status=503)
        return self.get_response(request)


def _remove_partial_files(request) -> None:
    """The file an upload handler was writing when the disk failed is still open (and on disk)."""
    for handler in getattr(request, "_upload_handlers", None) or []:
        partial = getattr(handler, "file", None)
        if partial is None:
            continue
        try:
            partial.close()  # a TemporaryUploadedFile: closing deletes it
        except OSError:
            logger.exception("could not remove a partial upload")
