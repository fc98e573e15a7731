"""Public pages: 官方账号查询, the page of one registered account or site (with its QR code),
the open-data files."""
import io
import re

import qrcode
import qrcode.image.svg

from django.conf import settings
from django.core.files.storage import default_storage
from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from govmedia.common.captcha import captcha_field
from govmedia.common.ratelimit import over_limit, uses
from reviews.engine import TransitionError

from . import imitation, selectors, services
from .forms import ReportForm, VerifyForm
from .records import CLOSED, NOT_REGISTERED, answer_of_record, answer_text
from django.core.paginator import Paginator
from . import accountability as method
from .models import AccountabilityFigure

CAPTCHA_BUCKET = "verify"
FILE_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8"}
FILENAME = re.compile(r"^(?:accounts|websites)(?:\.schema)?\.(?:csv|json)$|^(?:manifest|datapackage)\.json$"
                      r"|^accountability\.csv$")
LATEST = "latest"


def needs_captcha(request) -> bool:
    """The 验证码 after VERIFY_CAPTCHA_AFTER look-ups of this address in the hour: sized for an
    office network behind one address, not for one person (PUBLIC_CAPTCHA_AFTER)."""
    return uses(request, f"public:{CAPTCHA_BUCKET}") >= settings.VERIFY_CAPTCHA_AFTER


@require_GET
def search(request):
    """官方账号查询: paste a link or type a name (accounts), a domain or a name (websites)."""
    asked = "q" in request.GET
    form = VerifyForm(request.GET if asked else None)
    if needs_captcha(request):
        form.fields["captcha"] = captcha_field()
    answer, by, can_report = None, "", False
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
                if link and answer.answer == NOT_REGISTERED:
                    imitation.lookup_unknown(answer.query)  # repeated unknown links reach the 待核查 queue
                can_report = link and answer.answer in (NOT_REGISTERED, CLOSED)
    response = render(request, "verify/search.html", {
        "form": form, "answer": answer, "by": by, "kind": form.data.get("kind") or "account",
        "report_url": f"{reverse('verify:report')}?{urlencode({'link': answer.query})}" if can_report else ""})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def report(request):
    """举报仿冒账号: the link, what it claims to be, an optional contact; always with the 验证码."""
    form = ReportForm(request.POST if request.method == "POST" else None,
                      initial={"link": request.GET.get("link", "")[:1000]})
    if request.method == "POST" and form.is_valid():
        if over_limit(request, "public:imitation", settings.VERIFY_REPORT_LIMIT):
            form.add_error(None, "举报过于频繁，请稍后再试。")
        else:
            try:
                imitation.report(form.cleaned_data["link"], form.cleaned_data["claimed"], form.cleaned_data["contact"],
                                 user=request.user)
            except TransitionError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(f"{reverse('verify:report_done')}")
    response = render(request, "verify/report.html", {"form": form})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_done(request):
    return render(request, "verify/report_done.html", {"counts": imitation.public_counts()})


@require_GET
def reports_public(request):
    """举报处理情况: the outcome of the reports in aggregate (never a link or a reporter)."""
    return render(request, "verify/reports_public.html", {"counts": imitation.public_counts()})


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
    text = answer_text(record, answer)
    return render(request, "verify/detail.html", {"record": record, "answer": answer, "answer_text": text,
                                                  "code": record.get("media_code") or record.get("site_code"),
                                                  "page_url": request.build_absolute_uri(record["page"])})


@require_GET
def qr_code(request, code):
    """An SVG QR code linking back to /verify/<code>/ (to print, or to put in the account's bio)."""
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
    """A file of one day, or of the newest day under the stable address /open-data/latest/<file>."""
    latest = day == LATEST
    if latest:
        day = services.latest_day() or ""
    if not services.DAY.match(day) or not FILENAME.match(filename):
        raise Http404("文件不存在")
    name = f"{services.folder(day)}/{filename}"
    if not default_storage.exists(name):
        raise Http404("文件不存在")
    ext = filename[filename.rfind("."):]
    response = FileResponse(default_storage.open(name, "rb"), content_type=FILE_TYPES[ext],
                            as_attachment=ext == ".csv", filename=f"govmedia-{day}-{filename}")
    # a dated file never changes; latest/ moves to the next day's file once it is published
    response["Cache-Control"] = "public, max-age=300" if latest else "public, max-age=86400"
    if latest:
        response["Content-Location"] = reverse("verify:open_data_file", args=[day, filename])
    return response


@require_GET
def accountability(request):
    """各单位履职数据: the figures per org unit of one quarter, 50 a page, findable by name or code."""
    quarters = list(AccountabilityFigure.objects.values_list("quarter", flat=True).distinct().order_by("-quarter"))
    quarter = request.GET.get("quarter", "")
    quarter = quarter if quarter in quarters else (quarters[0] if quarters else "")
    rows = AccountabilityFigure.objects.filter(quarter=quarter).order_by("org_code")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        rows = rows.filter(org_name__contains=q) | rows.filter(org_code=q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "verify/accountability.html", {
        "quarters": quarters, "quarter": quarter, "q": q, "page": page, "columns": method.COLUMNS[3:],
        "latest_csv": reverse("verify:open_data_file", args=[LATEST, "accountability.csv"])})
