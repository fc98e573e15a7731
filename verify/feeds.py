"""The change feed: 登记（终审通过）/ 关停 / 下线 / 恢复 / 删除, newest first, 50 a page (?page=N),
as Atom (django.contrib.syndication, RFC 5005 next/previous links) and JSON Feed 1.1."""
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from govmedia.common.ratelimit import over_limit

from . import records as R
from . import selectors
from django.http import HttpResponse

TITLE = "全国政务新媒体与政府网站 · 变更记录"
DESCRIPTION = "政务新媒体账号与政府网站的登记、关停、下线、恢复和删除。"
AUTHOR = "全国政务新媒体与政府网站报送系统"
FEED_LIMIT = 600  # feed pages per address and hour


def _page(request) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        raise Http404("页码不正确")
    if not 1 <= page <= 10000:
        raise Http404("页码不正确")
    return page


def _title(item) -> str:
    r = item["record"]
    what = r["type"] if r["kind"] == "account" else "政府网站"
    return f"{item['event_label']}：{r['name']}（{what}）"


def _text(item) -> str:
    r = item["record"]
    code = r.get("media_code") or r.get("site_code")
    chain = " · ".join(r["org_chain"])
    extra = f"账号ID {r['platform_id']}" if r["kind"] == "account" else f"首页 {r['homepage']}"
    return f"{r['name']}，标识码 {code}，{extra}，{r['holder']}（{chain}），当前状态：{r['status_label']}。"


class PagedAtom(Atom1Feed):
    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for rel in ("next", "previous"):
            if self.feed.get(rel):
                handler.addQuickElement("link", "", {"rel": rel, "href": self.feed[rel]})


class ChangesAtom(Feed):
    feed_type = PagedAtom
    title = TITLE
    subtitle = DESCRIPTION
    # RFC 4287 §4.1.1: a feed whose entries carry no author must name one itself.
    author_name = AUTHOR

    def author_link(self):
        return reverse("verify:search")

    def __call__(self, request, *args, **kwargs):
        if over_limit(request, "public:feed", FEED_LIMIT):
            return HttpResponse("请求过于频繁，请稍后再试。", status=429, content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        page = _page(request)
        return {"page": page, "base": request.build_absolute_uri(reverse("verify:changes_atom")),
                **selectors.changes(page=page)}

    def link(self):
        return reverse("verify:search")

    def feed_extra_kwargs(self, obj):
        base = obj["base"]
        return {"next": f"{base}?page={obj['page'] + 1}" if obj["has_next"] else "",
                "previous": f"{base}?page={obj['page'] - 1}" if obj["page"] > 1 else ""}

    def items(self, obj):
        return obj["items"]

    def item_title(self, item):
        return _title(item)

    def item_description(self, item):
        return _text(item)

    def item_link(self, item):
        return item["record"]["page"]

    def item_guid(self, item):
        return f"tag:govmedia,2026:change/{item['id']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["at"]

    def item_updateddate(self, item):
        return item["at"]

    def item_categories(self, item):
        return [item["event_label"], "新媒体账号" if item["record"]["kind"] == "account" else "政府网站"]


@require_GET
def json_feed(request):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1); each item carries the public record in `_govmedia`."""
    if over_limit(request, "public:feed", FEED_LIMIT):
        return JsonResponse({"detail": "请求过于频繁，请稍后再试。"}, status=429)
    page = _page(request)
    data = selectors.changes(page=page)
    url = request.build_absolute_uri(reverse("verify:changes_json"))
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "description": DESCRIPTION,
        "home_page_url": request.build_absolute_uri(reverse("verify:search")),
        "feed_url": f"{url}?page={page}" if page > 1 else url,
        "language": "zh-CN",
        "authors": [{"name": AUTHOR, "url": request.build_absolute_uri(reverse("verify:search"))}],
        "items": [{
            "id": f"tag:govmedia,2026:change/{item['id']}",
            "url": request.build_absolute_uri(item["record"]["page"]),
            "title": _title(item),
            "content_text": _text(item),
            "date_published": item["at"].isoformat(),
            "tags": [item["event_label"]],
            "_govmedia": {"event": item["event"], "record": R.public(item["record"])},
        } for item in data["items"]],
    }
    if data["has_next"]:
        feed["next_url"] = f"{url}?page={page + 1}"
    response = JsonResponse(feed, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/feed+json; charset=utf-8"
    return response
