"""The tabs of 【新媒体账号信息】 per role (SPEC §8), counted in one aggregate query."""
from dataclasses import dataclass
from html import escape

from django.db.models import Count, Q
from django.utils.safestring import SafeString

from accounts.models import User
from govmedia.roles import Role

from .models import Status


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    q: Q
    badge: bool = False   # the manual shows a count badge on 待审核 and 被驳回


def tabs_for(user: User) -> list[Tab]:
    submitted = Tab("submitted", "已提交", ~Q(status=Status.DRAFT))
    drafts = Tab("drafts", "未提交", Q(status=Status.DRAFT))
    if user.kind == User.Kind.FILER:
        rejected = Q(status__in=[Status.ADD_REJECTED, Status.MODIFY_REJECTED, Status.CLOSE_REJECTED])
        return [submitted, drafts, Tab("rejected", "被驳回", rejected, badge=True)]
    # A reviewer is set only while a request waits (a constraint of MediaAccount): no status test
    # needed, and the list reads the partial index media_pending_at in order.
    tabs = [submitted, drafts, Tab("pending", "待审核", Q(reviewer_id=user.org_unit_id), badge=True)]
    if user.role == Role.L1:
        tabs.append(Tab("rejected", "被驳回", Q(status=Status.RESTORE_REJECTED), badge=True))
    return tabs


SUMMARY_TYPES = (("wx", "WX"), ("wb", "WB"), ("kh", "KH"))


def tab_counts(queryset, tabs: list[Tab]) -> dict[str, int]:
    """Every tab's count and the summary line's figures, in one aggregate query."""
    reported = ~Q(status=Status.DRAFT)
    figures = {tab.key: Count("id", filter=tab.q) for tab in tabs}
    figures["reported"] = Count("id", filter=reported)
    for key, code in SUMMARY_TYPES:
        figures[key] = Count("id", filter=reported & Q(account_type=code))
    counts = queryset.aggregate(**figures)
    counts["other"] = counts["reported"] - sum(counts[key] for key, _ in SUMMARY_TYPES)
    return counts


def current_tab(request, tabs: list[Tab]) -> Tab:
    key = request.GET.get("tab")
    return next((t for t in tabs if t.key == key), tabs[0])


def tabs_html(tabs: list[Tab], current: Tab, counts: dict[str, int], query) -> SafeString:
    """The tab bar's entries (the list's other filters kept from `query`, its page dropped), with the
    count badge on 待审核 / 被驳回 while they hold rows; written here, not by a template loop over the
    tabs and their counts (~60 tag evaluations a page)."""
    kept = query.copy()
    for key in ("tab", "page", "export"):
        kept.pop(key, None)
    kept = kept.urlencode()
    prefix = escape(kept) + ("&amp;" if kept else "")
    items = []
    for t in tabs:
        active, current_attr = (" active", 'aria-current="page"') if t.key == current.key else ("", "")
        n = counts.get(t.key) if t.badge else 0
        badge = f' <span class="badge rounded-pill text-bg-danger">{n}</span>' if n else ""
        items.append(f'\n  <li class="nav-item">\n    <a class="nav-link{active}" {current_attr} '
                     f'href="?{prefix}tab={t.key}" data-testid="tab-{t.key}">\n      {escape(t.label)}{badge}\n'
                     '    </a>\n  </li>')
    return SafeString("".join(items))
