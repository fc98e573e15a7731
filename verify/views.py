"""Public pages: 官方账号查询, the page of one registered account or site (with its QR code),
the open-data files."""
import io
import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from govmedia.common.captcha import captcha_field, needs_public_captcha
from govmedia.common.ratelimit import over_limit

from . import selectors, services
from .records import ACCOUNT_ANSWERS, WEBSITE_ANSWERS, answer_of_record
from .forms import VerifyForm

CAPTCHA_BUCKET = "verify"
FILE_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8"}
FILENAME = re.compile(r"^(?:accounts|websites)(?:\.schema)?\.(?:csv|json)$|^manifest\.json$")


@require_GET
def search(request):
    """官方账号查询: paste a link or type a name (accounts), a domain or a name (websites)."""
    asked = "q" in request.GET
    form = VerifyForm(request.GET if asked else None)
    if needs_public_captcha(request, CAPTCHA_BUCKET):
        form.fields["captcha"] = captcha_field()
    answer, by = None, ""
    if asked and form.is_valid():
        if over_limit(request, f"public:{CAPTCHA_BUCKET}", settings.VERIFY_PAGE_LIMIT):
            form.add_error(None, "查询过于频繁，请稍后再试。")
        else:
            q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
            link = selectors.looks_like_link(q)
            by = "link" if link else "name"
            if kind == "website":
                answer = selectors.verify_domain(q) if link else selectors.search_websites(q)
            else:
                answer = selectors.verify_link(q) if link else selectors.search_accounts(q)
    response = render(request, "verify/search.html", {"form": form, "answer": answer, "by": by,
                                                      "kind": form.data.get("kind") or "account"})
    response["Cache-Control"] = "no-store"
    return response


def _record_or_404(code):
    record = selectors.record_by_code(code)
    if record is None:
        raise Http404("未在系统中登记该标识码。")
    return record


@require_GET
def detail(request, code):
    """The printable page of one registered account or site: what it is, who runs it, its status."""
    record = selectors.record_by_code(code)
    if record is None:
        return render(request, "verify/detail.html", {"record": None, "code": code[:20]}, status=404)
    answer = answer_of_record(record)
    text = (ACCOUNT_ANSWERS if record["kind"] == "account" else WEBSITE_ANSWERS)[answer]
    return render(request, "verify/detail.html", {"record": record, "answer": answer, "answer_text": text,
                                                  "code": record.get("media_code") or record.get("site_code"),
                                                  "page_url": request.build_absolute_uri(record["page"])})


@require_GET
def qr_code(request, code):
    """An SVG QR code linking back to /verify/<code>/ (to print, or to put in the account's bio)."""
    import qrcode
    import qrcode.image.svg

    record = _record_or_404(code)
    image = qrcode.make(request.build_absolute_uri(record["page"]), image_factory=qrcode.image.svg.SvgPathImage,
                        box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def open_data(request):
    """开放数据: the published days with their counts and checksums."""
    listed = []
    for day in services.days():
        manifest = services.manifest_of(day)
        if manifest:
            listed.append(manifest)
    return render(request, "verify/open_data.html", {"days": listed, "keep": settings.OPEN_DATA_KEEP_DAYS})


@require_GET
def open_data_file(request, day, filename):
    if not services.DAY.match(day) or not FILENAME.match(filename):
        raise Http404("文件不存在")
    name = f"{services.folder(day)}/{filename}"
    if not default_storage.exists(name):
        raise Http404("文件不存在")
    ext = filename[filename.rfind("."):]
    response = FileResponse(default_storage.open(name, "rb"), content_type=FILE_TYPES[ext],
                            as_attachment=ext == ".csv", filename=f"govmedia-{day}-{filename}")
    response["Cache-Control"] = "public, max-age=86400"
    return response
