"""Findings on other apps' pages without those apps importing monitoring: the object's 查看 page
(`{% object_findings obj %}`) and the owner's own pages (`{% my_findings %}`)."""
from django import template
from django.utils import timezone

from ..selectors import findings_of_object, is_owner, open_findings_count, open_findings_of, owners_of

register = template.Library()


@register.inclusion_tag("monitoring/_object_findings.html", takes_context=True)
def object_findings(context, obj):
    request = context["request"]
    rows, today = list(findings_of_object(obj)), timezone.localdate()
    for row in rows:
        row.text = row.describe(today) if row.closed_at is None else row.detail
        row.may_convert = row.closed_at is None and not row.sheet_item_id and is_owner(request.user, row)
    return {"findings": rows, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("monitoring/_my_findings.html", takes_context=True)
def my_findings(context, limit=10):
    request = context["request"]
    user = request.user
    if not open_findings_count(user):  # most units: nothing open, no query
        return {"messages_": [], "more": 0, "total": 0}
    today = timezone.localdate()
    qs = open_findings_of(user).order_by("-last_seen", "-id")
    rows = list(qs[:limit])
    owners = owners_of(rows) if rows else {}  # one query for the websites' 主办单位, whatever the rows
    mine = ("filer", user.filer_unit_id) if user.filer_unit_id else ("org", user.org_unit_id)
    for row in rows:  # the owner turns its findings into 检查结果信息表 rows from here (a filer unit has no website pages)
        row.may_convert = not row.sheet_item_id and owners.get(row.pk) == mine
    more = max(0, qs.count() - len(rows)) if len(rows) == limit else 0
    return {"messages_": [(row, row.message(today)) for row in rows], "more": more, "total": len(rows) + more,
            "request": request, "csrf_token": context.get("csrf_token"), "next": request.get_full_path()}
