"""数据看板's headline figures (issue 30): 总数, 待审核, 超期, 监测问题 of the viewer's scope, each a
link to its list. 总数 and 待审核 are the 新媒体账号信息 tab counts (the same cached aggregate the
list shows); 超期 and 监测问题 read only waiting requests and open findings; the four are kept
for HEADLINE_SECONDS so a reload costs nothing."""
from django.core.cache import cache
from django.urls import reverse
from accounts_media.counts import cached_counts
from accounts_media.selectors import accounts_visible_to
from accounts_media.tabs import tab_counts, tabs_for
from monitoring.selectors import open_findings_of
from reviews.ageing import overdue_q
from .ageing import SOURCES, waiting_in_scope

HEADLINE_SECONDS = 120


def headline(user) -> list[dict]:
    key = f"dashboard:headline:{user.org_unit_id}:{user.role}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute(user)
        cache.set(key, figures, HEADLINE_SECONDS)
    return [
        {"key": "total", "label": "总数", "hint": "已报送新媒体账号", "value": figures["total"], "url": reverse("media:list")},
        {"key": "pending", "label": "待审核", "hint": "等待本单位审核", "value": figures["pending"],
         "url": reverse("media:list") + "?tab=pending"},
        {"key": "overdue", "label": "超期", "hint": "超期待审核的申请", "value": figures["overdue"],
         "url": reverse("dashboard:overdue")},
        {"key": "findings", "label": "监测问题", "hint": "待核查的监测发现", "value": figures["findings"],
         "url": reverse("monitoring:findings")},
    ]


def _compute(user) -> dict:
    list_key = f"{user.kind}:{user.org_unit_id}:{user.filer_unit_id}:{user.role}"  # the list's own cache key
    counts = cached_counts(list_key, lambda: tab_counts(accounts_visible_to(user), tabs_for(user)))
    overdue = sum(waiting_in_scope(user, s).filter(overdue_q(waiting=s.waiting)).count() for s in SOURCES)
    return {"total": counts["reported"], "pending": counts.get("pending", 0), "overdue": overdue,
            "findings": open_findings_of(user).count()}
