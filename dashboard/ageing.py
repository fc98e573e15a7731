"""Review ageing (decision 0031), the dashboard's side: a request waiting at one unit more than REVIEW_AGEING_DAYS
calendar days is 超期. The engine stamps `reviewer_since` when a request reaches a unit, so
"how long has it waited here" is one indexed column on both tables."""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from reviews.ageing import ageing_days, cutoff, is_overdue, overdue_badge, overdue_q, waited_days


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    model_path: str
    visible: str           # dotted selector: user -> queryset

    def queryset(self, user):
        from django.utils.module_loading import import_string

        return import_string(self.visible)(user)


SOURCES = (
    Source("media", "新媒体账号", "accounts_media.MediaAccount", "accounts_media.selectors.accounts_visible_to"),
    Source("website", "政府网站", "websites.Website", "websites.selectors.websites_visible_to"),
)


def waiting_in_scope(user, source: Source):
    return source.queryset(user).filter(reviewer__isnull=False)


def remind_overdue(now: datetime | None = None) -> str:
    """The daily job: each unit with requests overdue at it gets one 超期待审核提醒 a day
    (de-duplicated per unit login and date, so a rerun sends nothing new)."""
    from accounts_media.models import MediaAccount
    from notifications.services import Message, org_unit_users, send
    from websites.models import Website

    now = now or timezone.now()
    today = timezone.localdate(now)
    per_unit: dict[int, dict[str, int]] = {}
    for key, model in (("media", MediaAccount), ("website", Website)):
        for row in model.objects.filter(overdue_q(now)).values("reviewer_id").annotate(n=Count("id")).order_by():
            per_unit.setdefault(row["reviewer_id"], {})[key] = row["n"]
    link = reverse("dashboard:overdue")
    messages = []
    users_by_unit: dict[int, list] = {}
    for user in org_unit_users(per_unit):
        users_by_unit.setdefault(user.org_unit_id, []).append(user)
    days = ageing_days()
    for unit_id, counts in per_unit.items():
        parts = [f"{label} {counts[key]} 条" for key, label in (("media", "新媒体账号申请"), ("website", "网站申请")) if counts.get(key)]
        title = f"超期待审核：本单位有{'、'.join(parts)}等待审核已超过 {days} 天"
        body = f"{title}，请尽快处理。"
        messages += [Message(u, "review_ageing", title, body, f"{link}?tab=mine", dedupe_key=f"ageing:{today.isoformat()}")
                     for u in users_by_unit.get(unit_id, [])]
    sent = send(messages)
    return f"超期待审核单位 {len(per_unit)} 个，提醒 {sent} 条"


__all__ = ["SOURCES", "ageing_days", "cutoff", "is_overdue", "overdue_badge", "overdue_q", "remind_overdue",
           "waited_days", "waiting_in_scope"]
