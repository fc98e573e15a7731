"""催报 (decision 0039): reminders of the 检查结果信息表 that cannot be missed.

Each sheet not yet reported gets, once per period: an early reminder on the first run at or after
its 截止日期 − CHECK_REMIND_DAYS_BEFORE days (at once when the round is opened with less left:
the round's job runs this for its sheets), one on the 截止日期, and one every
CHECK_OVERDUE_REMIND_EVERY_DAYS days while it is overdue (days 1, 1+N, 1+2N … after it). A
SheetReminder row (sheet, period) is the claim, inserted set-wise with ON CONFLICT DO NOTHING: a
second run, on this node or another, sends nothing new. The reminder goes to the unit's logins
in 消息中心 and, as each login chose, by SMS and e-mail to the unit's contacts (a filer unit's
联系人 mobile; an org unit's 联系电话 when it is a mobile, and its 电子邮箱 — 组织单位信息).
"""
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from govmedia.common import sqlport
from notifications.services import Message, send, units_users
from .models import CheckSheet

BATCH = 2000

CLAIM = """
    INSERT INTO reports_sheetreminder (sheet_id, period, sent_at)
    SELECT s.id, CASE WHEN s.due_date > %(today)s THEN 'early' WHEN s.due_date = %(today)s THEN 'due'
                      ELSE 'overdue' || CAST(({days} - 1) / %(every)s AS TEXT) END, %(now)s
    FROM reports_checksheet s
    WHERE s.status IN ('draft', 'returned') AND s.due_date IS NOT NULL AND s.due_date <= %(horizon)s {scope}
    ON CONFLICT DO NOTHING
    RETURNING sheet_id, period"""


def _text(sheet, period: str, today: date) -> str:
    head = f"【政务新媒体检查】{sheet.unit_name}：{sheet.year}年第{sheet.quarter}季度检查结果信息表"
    if period == "early":
        return f"{head}将于{sheet.due_date:%Y-%m-%d}截止（还有 {(sheet.due_date - today).days} 天），请登录系统按时报送。"
    if period == "due":
        return f"{head}今日截止（{sheet.due_date:%Y-%m-%d}），请登录系统按时报送。"
    return f"{head}已逾期 {(today - sheet.due_date).days} 天（截止日期 {sheet.due_date:%Y-%m-%d}），请尽快报送。"


def send_reminders(today: date | None = None, *, scope=None, year: int | None = None, quarter: int | None = None) -> int:
    """Claim and send every reminder due today (of the sheets under `scope`, of one quarter, when
    given). Returns the number of sheets reminded."""
    today = today or timezone.localdate()
    params = {"today": today, "every": max(1, settings.CHECK_OVERDUE_REMIND_EVERY_DAYS),
              "horizon": date.fromordinal(today.toordinal() + settings.CHECK_REMIND_DAYS_BEFORE)}
    where = ""
    if scope is not None and not scope.is_root:
        where += " AND s.org_path LIKE %(path)s"
        params["path"] = scope.path + "%"
    if year is not None:
        where += " AND s.year = %(year)s AND s.quarter = %(quarter)s"
        params.update(year=year, quarter=quarter)
    sent = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            claim = CLAIM.format(scope=where, days=sqlport.days_between(connection, "%(today)s", "s.due_date"))
            cursor.execute(claim, {**params, "now": connection.ops.adapt_datetimefield_value(timezone.now())})
            claimed = dict(cursor.fetchall())
        ids = sorted(claimed)
        for start in range(0, len(ids), BATCH):
            sheets = list(CheckSheet.objects.filter(pk__in=ids[start:start + BATCH]).only(
                "pk", "unit_name", "year", "quarter", "due_date", "filer_unit_id", "org_unit_id"))
            users = units_users({s.org_unit_id for s in sheets if not s.filer_unit_id},
                                {s.filer_unit_id for s in sheets if s.filer_unit_id})
            by_filer, by_org = {}, {}
            for user in users:
                if user.filer_unit_id:
                    by_filer.setdefault(user.filer_unit_id, []).append(user)
                else:
                    by_org.setdefault(user.org_unit_id, []).append(user)
            messages = []
            for sheet in sheets:
                period = claimed[sheet.pk]
                recipients = by_filer.get(sheet.filer_unit_id, []) if sheet.filer_unit_id else by_org.get(sheet.org_unit_id, [])
                link = reverse("checks:sheet", args=[sheet.pk])
                messages += [Message(u, "deadline", "检查结果信息表报送提醒", _text(sheet, period, today), link,
                                     f"check:{sheet.pk}:{period}") for u in recipients]
                sent += bool(recipients)
            send(messages)
            CheckSheet.objects.filter(pk__in=[s.pk for s in sheets]).update(reminded_on=today)
    return sent
