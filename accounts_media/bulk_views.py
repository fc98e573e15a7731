"""批量审核 (org units, 待审核) and 批量提交 / 批量删除 (filer units, 未提交): thin views over
accounts_media.bulk."""
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from govmedia.common import preflight as pf
from govmedia.common.lists import filtered, ordering_from, selected_ids
from govmedia.common.preflight import preflight

from . import bulk
from .forms import BulkReviewForm
from .lists import MEDIA_LIST
from .workflow import REVIEWS


def _list_url(query: str, tab: str) -> str:
    params = QueryDict(query, mutable=True)
    params["tab"] = tab
    for key in ("page", "export"):
        params.pop(key, None)
    return f"{reverse('media:list')}?{params.urlencode()}"


def _filtered_pending(request) -> list:
    """批量审核当前筛选结果: the 待审核 rows under the list's filters, in its order (at most LIMIT)."""
    _, qs = filtered(request, MEDIA_LIST, bulk.pending_here(request.user))
    ordering, _ = ordering_from(request, MEDIA_LIST)
    return list(qs.select_related("filer_unit").order_by(*ordering)[:bulk.LIMIT])


def _kind(account) -> str:
    return REVIEWS[account.status][2]


@preflight
@require_http_methods(["GET", "POST"])
def bulk_review(request):
    """GET (the filtered 待审核 list's query) or POST of ticked rows: the confirmation page that
    lists the requests; POST with `apply`: each request through the engine, outcomes counted."""
    user = request.user
    if request.method == "POST" and "apply" in request.POST:
        query = request.POST.get("query", "")
        items = bulk.parse_items(request.POST.getlist("item"))
        form = BulkReviewForm(request.POST)
        if items and pf.valid(request, form):
            data = {k: form.cleaned_data[k] for k in ("reason", "reviewer_name", "reviewer_phone")}
            outcome = bulk.review_many(user, items, form.cleaned_data["result"], data)
            bulk.remember_reviewer(user, data["reviewer_name"], data["reviewer_phone"])
            word = "已通过" if form.cleaned_data["result"] == "approve" else "已驳回"
            messages.success(request, f"批量审核完成：{word} {outcome.done}，已被他人处理 {outcome.handled}。")
            for line in outcome.failed[:10]:
                messages.warning(request, line)
            return redirect(_list_url(query, "pending"))
        accounts = bulk.review_items(user, [pk for pk, _ in items])
    elif request.method == "POST":
        query = request.POST.get("query", "")
        accounts = bulk.review_items(user, selected_ids(request))
        form = BulkReviewForm(initial=bulk.remembered_reviewer(user))
    else:
        query = request.GET.urlencode()
        accounts = _filtered_pending(request)
        form = BulkReviewForm(initial=bulk.remembered_reviewer(user))
    rows = [{"account": a, "kind": _kind(a)} for a in accounts]
    return render(request, "accounts_media/bulk_review.html", {
        "form": form, "rows": rows, "count": len(rows), "query": query, "limit": bulk.LIMIT,
        "return_url": _list_url(query, "pending"),
    })


@require_POST
def bulk_drafts(request, op):
    """批量提交 / 批量删除 of the ticked drafts (the list's button confirmed the count)."""
    if op not in ("submit", "delete"):
        return redirect("media:list")
    outcome = bulk.drafts_many(request.user, selected_ids(request), op)
    word = "已提交" if op == "submit" else "已删除"
    messages.success(request, f"{word} {outcome.done}，已被处理 {outcome.handled}。")
    for line in outcome.failed[:10]:
        messages.warning(request, line)
    return redirect(_list_url(request.POST.get("query", ""), "drafts"))
