"""/api/v1/: the public JSON API (django-ninja, docs/decisions/0019), with its OpenAPI document
at /api/v1/openapi.json and the interactive docs at /api/v1/docs.

Public fields only (verify.schemas); per-address limits through govmedia.common.ratelimit (the
cache, shared by every app server once REDIS_URL is set); ETag / Last-Modified on every answer
(verify.urls wraps the views with Django's conditional GET)."""
import time as clock
from datetime import date, datetime, time
from typing import Optional

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.throttling import BaseThrottle

from govmedia.common.ratelimit import count_use

from . import selectors
from .schemas import AccountAnswerOut, AccountOut, ChangesOut, ErrorOut, WebsiteAnswerOut, WebsiteOut


WINDOW = 3600


class AddressLimit(BaseThrottle):
    """VERIFY_API_LIMIT requests per address and clock hour, counted in the shared cache. The
    figures go out as RateLimit-* headers (verify.urls) so that a client can pace itself."""

    def allow_request(self, request: HttpRequest) -> bool:
        now = int(clock.time())
        window = now // WINDOW
        used = count_use(request, f"api:{window}", WINDOW)
        limit = settings.VERIFY_API_LIMIT
        request.rate_limit = {"limit": limit, "remaining": max(0, limit - used),
                              "reset": (window + 1) * WINDOW - now}
        return used <= limit

    def wait(self):
        return WINDOW


def rate_limit_headers(request, response) -> None:
    """RateLimit-Limit / -Remaining / -Reset (seconds) and RateLimit-Policy, as the IETF
    httpapi rate-limit draft names them."""
    figures = getattr(request, "rate_limit", None)
    if not figures:
        return
    response["RateLimit-Limit"] = str(figures["limit"])
    response["RateLimit-Remaining"] = str(figures["remaining"])
    response["RateLimit-Reset"] = str(figures["reset"])
    response["RateLimit-Policy"] = f'{figures["limit"]};w={WINDOW}'


api = NinjaAPI(
    title="全国政务新媒体与政府网站 公开查询接口", version="1", urls_namespace="api", throttle=[AddressLimit()],
    description=("核验政务新媒体账号与政府网站：按链接或域名核验、按名称查询、按标识码查询、变更记录。"
                 "只返回公开字段；每个地址每小时限 VERIFY_API_LIMIT 次（默认 1200）。见 docs/api.md。"),
    docs_url="/docs", openapi_url="/openapi.json",
)
EPOCH = date(2000, 1, 1)  # nothing older exists; keeps far-past dates inside datetime's range
ERRORS = {400: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@api.exception_handler(Throttled)
def throttled(request, exc):
    response = api.create_response(request, {"detail": "请求过于频繁，请稍后再试。"}, status=429)
    response["Retry-After"] = str(getattr(request, "rate_limit", {}).get("reset", WINDOW))
    return response


@api.exception_handler(ValidationError)
def invalid(request, exc):
    fields = "、".join(sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors})) or "参数"
    return api.create_response(request, {"detail": f"参数不正确：{fields}"}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _last_modified(response: HttpResponse, *records) -> None:
    """The latest change of the records in the answer (their row, holder or public event), so an
    If-Modified-Since after a rename is answered 200, not a stale 304."""
    moments = [r["_changed"] for r in records if r and r.get("_changed")]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())




@api.get("/verify/account", response={200: AccountAnswerOut, **ERRORS}, summary="按链接核验账号",
         description="粘贴账号的文章链接、主页链接或应用下载链接（与填报时相同的链接形式）。")
def verify_account(request, response: HttpResponse,
                   link: str = Query(..., min_length=1, max_length=1000, description="文章链接/主页链接/下载链接")):
    answer = selectors.verify_link(link).as_dict()
    _last_modified(response, answer["record"])
    return answer


@api.get("/verify/website", response={200: WebsiteAnswerOut, **ERRORS}, summary="按域名核验网站")
def verify_website(request, response: HttpResponse,
                   address: str = Query(..., min_length=1, max_length=300, description="域名或首页网址")):
    answer = selectors.verify_domain(address).as_dict()
    _last_modified(response, answer["record"])
    return answer


@api.get("/search/accounts", response={200: AccountAnswerOut, **ERRORS}, summary="按名称查询账号",
         description="名称完全相同的账号在 record，名称相近的在 similar（是否要找）。")
def search_accounts(request, response: HttpResponse,
                    name: str = Query(..., min_length=1, max_length=100, pattern=r"\S", description="账号名称")):
    answer = selectors.search_accounts(name).as_dict()
    _last_modified(response, answer["record"], *answer["similar"])
    return answer


@api.get("/search/websites", response={200: WebsiteAnswerOut, **ERRORS}, summary="按名称查询网站")
def search_websites(request, response: HttpResponse,
                    name: str = Query(..., min_length=1, max_length=100, pattern=r"\S", description="网站名称")):
    answer = selectors.search_websites(name).as_dict()
    _last_modified(response, answer["record"], *answer["similar"])
    return answer


@api.get("/accounts/{code}", response={200: AccountOut, 404: ErrorOut, **ERRORS}, summary="按新媒体标识码查询账号")
def account(request, response: HttpResponse, code: str = Path(..., max_length=20, description="标识码")):
    record = selectors.account_by_code(code)
    if record is None:
        return Status(404, {"detail": "未在系统中登记该新媒体标识码。"})
    _last_modified(response, record)
    return record


@api.get("/websites/{code}", response={200: WebsiteOut, 404: ErrorOut, **ERRORS}, summary="按网站标识码查询网站")
def website(request, response: HttpResponse, code: str = Path(..., max_length=20, description="标识码")):
    record = selectors.website_by_code(code)
    if record is None:
        return Status(404, {"detail": "未在系统中登记该网站标识码。"})
    _last_modified(response, record)
    return record


@api.get("/changes", response={200: ChangesOut, **ERRORS}, summary="变更记录",
         description="登记（终审通过）、关停、下线、恢复、删除，按时间先后；每页 50 条，has_next 为真时取下一页。")
def changes(request, response: HttpResponse,
            since: Optional[date] = Query(None, description="起始日期（含），YYYY-MM-DD"),
            page: int = Query(1, ge=1, le=10000, description="页码")):
    start = timezone.make_aware(datetime.combine(max(since, EPOCH), time.min)) if since else None
    result = selectors.changes(since=start, page=page, newest_first=False)
    if result["items"]:
        response["Last-Modified"] = http_date(max(i["at"] for i in result["items"]).timestamp())
    return result
