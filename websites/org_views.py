"""Org-unit pages of the website system: 下线审核, 组织单位信息查询, 基本信息统计, export."""
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jobs.exports import serve_list
from reviews.buttons import render_buttons

from orgtree.models import OrgUnit

from .buttons import url_for
from .lists import OFFLINE_REVIEW_LIST, ORG_CONTACT_LIST
from .models import Filing, RunStatus
from .offline import RUN_WORKFLOW
from .selectors import websites_visible_to

@require_http_methods(["GET", "POST"])
def offline_reviews(request):
    """下线审核: the offline requests waiting at this org unit (longest waiting first; 超期 ones red
    with their 超期N天 mark, decision 0031), and the sites of its subtree whose 紧急下线 is past its
    expected reopen date (docs/decisions/0016-offline-dates.md), a short notice under the list."""
    overdue = list(websites_visible_to(request.user).filter(run_status=RunStatus.EMERGENCY_OFFLINE,
                                                            offline_until__lt=timezone.localdate())
                   .select_related("org_unit").order_by("offline_until")[:200])
    for site in overdue:
        site.buttons = render_buttons(request, RUN_WORKFLOW, site, url_for, names=["restore_site"], link_style=True)
    return serve_list(request, OFFLINE_REVIEW_LIST, "websites/offline_reviews.html", {"overdue": overdue})


@require_http_methods(["GET", "POST"])
def org_contacts(request):
    """组织单位信息查询: the org units in scope with their contacts."""
    return serve_list(request, ORG_CONTACT_LIST, "websites/org_contacts.html")


def _direct_count(sites, viewer) -> int:
    """Sites hanging at the viewer itself (not under a child)."""
    return sites.filter(org_unit=viewer).count()


@require_GET
def statistics(request):
    """基本信息统计: websites by run status and by kind for each unit directly under the viewer
    (each counting its whole subtree), one grouped query, with a chart."""
    viewer = request.user.org_unit
    sites = websites_visible_to(request.user).exclude(filing__in=[Filing.DRAFT, Filing.REJECTED])
    depth = len(viewer.path)
    child_prefix = Substr("org_path", 1, depth + 7)  # codes are six characters and a "/"
    grouped = {row["prefix"]: row for row in sites.annotate(prefix=child_prefix).values("prefix").annotate(
        total=Count("id"),
        normal=Count("id", filter=Q(run_status=RunStatus.NORMAL)),
        offline=Count("id", filter=Q(run_status__in=[RunStatus.TEMP_OFFLINE, RunStatus.PERMANENT_OFFLINE,
                                                      RunStatus.EMERGENCY_OFFLINE])),
        other=Count("id", filter=Q(run_status__in=[RunStatus.EXCEPTION, RunStatus.DELETED])),
        portal=Count("id", filter=Q(is_portal=True)),
        service=Count("id", filter=Q(is_service_platform=True)),
        pending=Count("id", filter=Q(filing__in=[Filing.REVIEWING, Filing.REVIEWED, Filing.MODIFYING])),
    )}
    rows = []
    for unit in OrgUnit.objects.filter(parent=viewer).order_by("-kind", "code"):
        data = grouped.get(unit.path)
        if data:
            rows.append({"unit": unit, **data, "department": data["total"] - data["portal"]})
    totals = {k: sum(r[k] for r in rows) for k in ("total", "normal", "offline", "other", "portal", "service", "pending",
                                                    "department")}
    chart = {"labels": [r["unit"].name for r in rows[:40]], "rates": [r["total"] for r in rows[:40]], "label": "网站数量"}
    return render(request, "websites/statistics.html", {"rows": rows, "totals": totals, "chart": chart, "viewer": viewer,
                                                         "direct": _direct_count(sites, viewer)})
