"""Review ageing (decision 0031), the dashboard's side: a request waiting at one unit more than REVIEW_AGEING_DAYS
calendar days is 超期. The engine stamps the time a request reaches a unit (the workflow's
`waiting` columns), so "how long has it waited here" is one indexed column. Three sources: the
media accounts' requests, the websites' 申报/修改 requests and the websites' 下线申请."""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from reviews.ageing import REVIEW, ageing_days, cutoff, is_overdue, overdue_badge, overdue_q, waited_days
from websites.models import OFFLINE_WAITING
from django.apps import apps
from django.utils.module_loading import import_string
from notifications.services import Message, org_unit_users, send


@dataclass(frozen=True)
class Source:
    key: str
    label: str             # the dashboard's and the list's name of the source
    reminder: str          # how the daily reminder names its requests
    model_path: str
    visible: str           # dotted selector: user -> queryset
    waiting: tuple[str, str] = REVIEW   # (审核定位 field, the time it reached that unit)

    @property
    def reviewer(self) -> str:
        return self.waiting[0]

    @property
    def since(self) -> str:
        return self.waiting[1]

    def queryset(self, user):
        return import_string(self.visible)(user)

    def model(self):
        return apps.get_model(self.model_path)


SOURCES = (
    Source("media", "新媒体账号", "新媒体账号申请", "accounts_media.MediaAccount",
           "accounts_media.selectors.accounts_visible_to"),
    Source("website", "政府网站", "网站申请", "websites.Website", "websites.selectors.websites_visible_to"),
    Source("offline", "网站下线申请", "网站下线申请", "websites.Website", "websites.selectors.websites_visible_to",
           OFFLINE_WAITING),
)
BY_KEY = {s.key: s for s in SOURCES}


def waiting_in_scope(user, source: Source):
    return source.queryset(user).filter(**{f"{source.reviewer}__isnull": False})


def remind_overdue(now: datetime | None = None) -> str:
    """The daily job: each unit with requests overdue at it gets one 超期待审核提醒 a day
    (de-duplicated per unit login and date, so a rerun sends nothing new)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    per_unit: dict[int, dict[str, int]] = {}
    for source in SOURCES:
        reviewer_id = f"{source.reviewer}_id"
        for row in (source.model().objects.filter(overdue_q(now, source.waiting)).values(reviewer_id)
                    .annotate(n=Count("id")).order_by()):
            per_unit.setdefault(row[reviewer_id], {})[source.key] = row["n"]
    link = reverse("dashboard:overdue")
    messages = []
    users_by_unit: dict[int, list] = {}
    for user in org_unit_users(per_unit):
        users_by_unit.setdefault(user.org_unit_id, []).append(user)
    days = ageing_days()
    for unit_id, counts in per_unit.items():
        shown = [s for s in SOURCES if counts.get(s.key)]
        parts = [f"{s.reminder} {counts[s.key]} 条" for s in shown]
        title = f"超期待审核：本单位有{'、'.join(parts)}等待审核已超过 {days} 天"
        body = f"{title}，请尽快处理。"
        target = f"{link}?tab=mine" + ("" if shown[0].key == "media" else f"&source={shown[0].key}")
        messages += [Message(u, "review_ageing", title, body, target, dedupe_key=f"ageing:{today.isoformat()}")
                     for u in users_by_unit.get(unit_id, [])]
    sent = send(messages)
    return f"超期待审核单位 {len(per_unit)} 个，提醒 {sent} 条"


__all__ = ["BY_KEY", "OFFLINE_WAITING", "SOURCES", "Source", "ageing_days", "cutoff", "is_overdue", "overdue_badge",
           "overdue_q", "remind_overdue", "waited_days", "waiting_in_scope"]
