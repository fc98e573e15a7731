"""Org-unit pages of the website system: 下线审核, 组织单位信息查询, 基本信息统计, export."""
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orgtree.models import OrgUnit
from orgtree.selectors import units_under

from .models import Filing, Offline, RunStatus
from .selectors import websites_visible_to

@require_GET
def offline_reviews(request):
    """下线审核: the offline requests waiting at this org unit (longest waiting first; 超期 ones red
    with their 超期N天 mark, decision 0031), and the sites of its subtree whose 紧急下线 is past its
    expected reopen date (docs/decisions/0016-offline-dates.md)."""
    from django.utils import timezone

    from reviews.ageing import overdue_badge
    from reviews.buttons import render_buttons

    from .buttons import url_for
    from .offline import OFFLINE_WORKFLOW, RUN_WORKFLOW

    sites = list(websites_visible_to(request.user).filter(offline_state=Offline.PENDING,
                                                          offline_reviewer_id=request.user.org_unit_id)
                 .select_related("org_unit").order_by("offline_reviewer_since", "offline_from", "id"))
    overdue = list(websites_visible_to(request.user).filter(run_status=RunStatus.EMERGENCY_OFFLINE,
                                                            offline_until__lt=timezone.localdate())
                   .select_related("org_unit").order_by("offline_until")[:200])
    for site in sites:
        site.buttons = render_buttons(request, OFFLINE_WORKFLOW, site, url_for, names=["approve_offline", "reject_offline"], link_style=True)
        site.overdue = overdue_badge(site, waiting=OFFLINE_WORKFLOW.waiting)  # review ageing (decision 0031)
    for site in overdue:
        site.buttons = render_buttons(request, RUN_WORKFLOW, site, url_for, names=["restore_site"], link_style=True)
    return render(request, "websites/offline_reviews.html", {"sites": sites, "overdue": overdue})


@require_GET
def org_contacts(request):
    """组织单位信息查询: the org units in scope with their contacts."""
    q = request.GET.get("q", "").strip()
    units = units_under(request.user.org_unit).order_by("path")
    if q:
        units = units.filter(Q(code__iexact=q) | Q(name__contains=q))
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "websites/org_contacts.html", {"page": page, "q": q})


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
