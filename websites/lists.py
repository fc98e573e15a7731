"""政府网站和栏目基本信息表 on the shared list machinery (filters, columns, export)."""
import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from accounts.filters import OrgCascadeMixin
from control.selectors import FILTER_CHOICES as CONTROL_CHOICES, filter_by_state
from govmedia.common import masking
from govmedia.common.filtersets import CodeOrNameFilter
from govmedia.common.lists import Column, ListSpec, register, same_scope
from orgtree.selectors import attach_org_names
from orgtree.models import OrgUnit
from orgtree.selectors import units_under
from reviews.ageing import is_overdue, overdue_badge  # review ageing (decision 0031)
from reviews.buttons import render_buttons

from .buttons import url_for
from .models import OFFLINE_WAITING, Filing, Offline, RunStatus, Website
from .offline import OFFLINE_WORKFLOW
from .selectors import websites_visible_to
from govmedia.common.search import part_of
from .workflow import WORKFLOW


class WebsiteFilter(OrgCascadeMixin):
    org_path_field = "org_path"
    q = django_filters.CharFilter(label="筛选查询", method="filter_q")
    filing = django_filters.ChoiceFilter(label="申报状态", choices=Filing.choices, empty_label="全部")
    run_status = django_filters.ChoiceFilter(label="运行状态", choices=RunStatus.choices, empty_label="全部")
    is_portal = django_filters.ChoiceFilter(label="门户网站", choices=[("1", "是"), ("0", "否")], empty_label="全部",
                                            method="filter_portal")
    control = django_filters.ChoiceFilter(label="控制权验证", choices=CONTROL_CHOICES, empty_label="全部",
                                          method="filter_control")

    class Meta:
        model = Website
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        """模糊或准确: any part of the name, of the site code or of the homepage (indexes: decision 0050)."""
        value = value.strip()
        return queryset.filter(part_of("name", value) | part_of("site_code", value) | Q(homepage__icontains=value))

    def filter_portal(self, queryset, name, value):
        return queryset.filter(is_portal=value == "1")

    def filter_control(self, queryset, name, value):
        return filter_by_state(queryset, "website", value)


def prepare_page(rows, request):
    attach_org_names(rows, lambda row: row.org_path)
    for row in rows:
        me = request.user.org_unit_id
        row.is_mine = me is not None and row.reviewer_id == me
        row.offline_mine = me is not None and row.offline_reviewer_id == me
        row.is_overdue = is_overdue(row)
        row.contact_shown = masking.shown(masking.viewer(request.user), row.contact_mobile, row.org_unit_id)


def actions_html(row, request) -> str:
    """查看, and 提交 / 审核 as the filing table allows this unit now (the one button renderer)."""
    parts = [format_html('<a class="btn btn-link btn-sm p-0 me-2" href="{}">查看</a>',
                         reverse("websites:review_detail", args=[row.pk])),
             render_buttons(request, WORKFLOW, row, url_for, names=["submit", "approve"], link_style=True)]
    if row.is_mine and row.filing == Filing.MODIFYING:
        parts.append(mark_safe('<span class="small text-danger">待审核修改</span>'))
    elif not row.is_mine and row.filing in (Filing.REVIEWING, Filing.REVIEWED):
        parts.append(mark_safe('<span class="small text-muted">审核流程不在本单位</span>'))
    if row.reviewer_id:
        parts.append(overdue_badge(row))
    if row.emergency_overdue:
        parts.append(mark_safe('<span class="small text-danger" data-testid="emergency-overdue">紧急下线已逾期</span>'))
    return format_html_join("", "{}", ((part,) for part in parts))


def website_querysets(request):
    qs = websites_visible_to(request.user).select_related("org_unit", "reviewer")
    return qs, qs


WEBSITE_LIST = register(ListSpec(
    name="websites",
    filterset_class=WebsiteFilter,
    default_ordering=("-id",),
    export_filename="政府网站和栏目基本信息表.xlsx",
    export_sheet="政府网站和栏目基本信息表",
    prepare_page=prepare_page,
    actions=actions_html,
    querysets=website_querysets,
    # what awaits this unit (the manual's orange), and an emergency offline past its expected date
    row_class=lambda row: ("table-danger" if row.reviewer_id and row.is_overdue else
                           "table-warning" if row.is_mine or row.offline_mine or row.emergency_overdue else ""),
    columns=[
        Column("name", "网站名称", lambda r: r.name, sort="name", choosable=False),
        Column("homepage", "首页网址", lambda r: r.homepage),
        Column("site_code", "网站标识码", lambda r: r.site_code or "", sort="site_code"),
        Column("org1", "省/部委", lambda r: r.org_names[0], default=False),
        Column("org2", "市/垂管省局", lambda r: r.org_names[1], default=False),
        Column("org3", "县/垂管分局", lambda r: r.org_names[2], default=False),
        Column("org_unit", "组织单位", lambda r: r.org_unit.name, sort="org_path"),
        Column("sponsor", "主办单位", lambda r: r.sponsor, default=False),
        Column("operator_unit", "承办单位", lambda r: r.operator_unit, default=False),
        Column("icp_number", "ICP备案编号", lambda r: r.icp_number, default=False),
        Column("is_portal", "本级政府门户", lambda r: "是" if r.is_portal else "否"),
        Column("is_service_platform", "政务服务平台", lambda r: "是" if r.is_service_platform else "否", default=False),
        Column("filing", "申报状态", lambda r: r.get_filing_display(), sort="filing"),
        Column("run_status", "运行状态", lambda r: r.run_status_label, sort="run_status"),
        Column("reviewer", "审核定位", lambda r: r.reviewer.name if r.reviewer_id else ""),
        Column("contact", "联系人", lambda r: f"{r.contact_name} {r.contact_shown}", default=False),
        Column("columns", "栏目信息", lambda r: "；".join(f"{k}：{v.get('names', '')}" for k, v in r.columns.items()),
               default=False),
    ],
))


# --- the org units' pages: 下线审核, 组织单位信息查询 ------------------------------------------------

class OfflineReviewFilter(CodeOrNameFilter):
    code_field = "site_code"
    q = django_filters.CharFilter(label="网站名称或标识码", method="filter_q")
    offline_kind = django_filters.ChoiceFilter(label="下线类型", choices=[("temporary", "临时下线"), ("permanent", "永久下线")],
                                               empty_label="全部")

    class Meta:
        model = Website
        fields: list[str] = []


def offline_rows(request):
    """The offline requests waiting at the viewer's org unit."""
    return (websites_visible_to(request.user).filter(offline_state=Offline.PENDING, offline_reviewer_id=request.user.org_unit_id)
            .select_related("org_unit"))


def offline_actions(site, request) -> str:
    return format_html('<a class="btn btn-link btn-sm p-0 me-2" href="{}">查看</a>{}{}',
                       reverse("websites:review_detail", args=[site.pk]),
                       render_buttons(request, OFFLINE_WORKFLOW, site, url_for, names=["approve_offline", "reject_offline"], link_style=True),
                       overdue_badge(site, waiting=OFFLINE_WAITING))  # review ageing (decision 0031)


OFFLINE_KINDS = {"temporary": "临时下线", "permanent": "永久下线"}

OFFLINE_REVIEW_LIST = register(ListSpec(
    name="offline_reviews",
    filterset_class=OfflineReviewFilter,
    default_ordering=("offline_reviewer_since", "offline_from", "id"),
    export_filename="下线审核.xlsx",
    export_sheet="下线审核",
    querysets=same_scope(offline_rows),
    actions=offline_actions,
    row_class=lambda site: "table-danger" if is_overdue(site, waiting=OFFLINE_WAITING) else "table-warning",
    columns=[
        Column("name", "网站名称", lambda s: s.name, sort="name", choosable=False),
        Column("site_code", "网站标识码", lambda s: s.site_code or "", sort="site_code"),
        Column("org_unit", "组织单位", lambda s: s.org_unit.name, sort="org_path"),
        Column("offline_kind", "下线类型", lambda s: OFFLINE_KINDS.get(s.offline_kind, "")),
        Column("offline_from", "下线日期", lambda s: s.offline_from, sort="offline_from"),
        Column("offline_until", "恢复开通时间", lambda s: s.offline_until, html=lambda s: s.offline_until or "—"),
        Column("offline_reason", "原因", lambda s: s.offline_reason),
        Column("offline_reviewer_since", "到达审核单位时间", lambda s: s.offline_reviewer_since, sort="offline_reviewer_since",
               html=lambda s: timezone.localtime(s.offline_reviewer_since).strftime("%Y-%m-%d %H:%M")
               if s.offline_reviewer_since else "—"),
    ],
))


class OrgContactFilter(CodeOrNameFilter):
    q = django_filters.CharFilter(label="组织单位代码或名称", method="filter_q")

    class Meta:
        model = OrgUnit
        fields: list[str] = []


ORG_CONTACT_LIST = register(ListSpec(
    name="org_contacts",
    filterset_class=OrgContactFilter,
    default_ordering=("path",),
    export_filename="组织单位信息.xlsx",
    export_sheet="组织单位信息",
    querysets=same_scope(lambda request: units_under(request.user.org_unit)),
    columns=[
        Column("code", "组织单位代码", lambda u: u.code, sort="code", choosable=False),
        Column("name", "单位名称", lambda u: u.name, sort="name", choosable=False),
        Column("tier", "级别", lambda u: u.org_tier_label),
        Column("contact_person", "联系人", lambda u: u.contact_person or "—"),
        Column("contact_phone", "联系电话", lambda u: u.contact_phone or "—"),
        Column("contact_email", "电子邮箱", lambda u: u.contact_email or "—"),
    ],
))
