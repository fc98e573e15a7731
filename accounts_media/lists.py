"""Columns of 【新媒体账号信息】 with the manual's titles, on the shared list machinery."""
from functools import lru_cache
from html import escape
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.filters import OrgCascadeMixin
from accounts.models import User
from control.selectors import FILTER_CHOICES as CONTROL_CHOICES, filter_by_state
from govmedia.roles import Role
from govmedia.common import masking
from govmedia.common.links import row_url_parts
from govmedia.common.lists import Column, ListSpec, register
from govmedia.common.prepared import IDS, read_as_viewer
from govmedia.common.request_user import plain_user
from govmedia.common.search import part_of
from govmedia.common.xlsx import local_datetime
from orgtree.models import LEVEL_LABELS, level_path_regex
from orgtree.selectors import attach_org_names, org_names_lookup
from reviews.ageing import overdue_badge  # review ageing (decision 0031)

from .models import STATUS_LABELS, MediaAccount, Status, functions_text
from .platforms import ACCOUNT_TYPES, PlatformIdError, display_type, extract_platform_id
from .workflow import WORKFLOW
from .selectors import accounts_visible_to
from .tabs import current_tab, tabs_for


def prepare_page(rows, request):
    attach_org_names(rows, lambda row: row.org_path)
    now = timezone.now()
    for row in rows:
        row.overdue_html = overdue_badge(row, now=now)  # the row's class and its 操作 both show it
    if not rows or "contact_mobile" not in rows[0].__dict__:
        return  # read without the contact's phone (tab_rows: the list does not show it)
    ctx = masking.viewer(request.user)
    revealed = 0
    for row in rows:
        row.contact_mobile_shown = masking.shown(ctx, row.contact_mobile, row.filer_unit.org_unit_id, row.filer_unit_id)
        revealed += bool(row.contact_mobile) and row.contact_mobile_shown == row.contact_mobile
    if revealed and contacts_shown(request.user):
        masking.record_reveal(request.user, "新媒体账号信息（列表）", revealed)


def contacts_shown(user) -> bool:
    """The user's list shows 账号联系人手机号 (显示字段; not by default)."""
    return "contact_mobile" in {c.key for c in MEDIA_LIST.chosen_columns(user)}


LIST_DEFERRED = ("pending_changes", "request_data", "last_review", "filer_unit__head_mobile", "filer_unit__contact_mobile")


def tab_rows(base, tab, with_contact: bool = True):
    """One tab of the user's accounts (`base`: accounts_visible_to with the filer unit joined) as
    the page lists them: the request, change and review JSON of a row and its filer unit's two
    phones are not shown, so not read and decrypted 100 times a page (~10 µs a value); nor the
    account contact's phone unless the list shows it (`with_contact`: contacts_shown)."""
    return base.filter(tab.q).defer(*LIST_DEFERRED, *(() if with_contact else ("contact_mobile",)))


def _viewer_shape(request):
    """(the plain user, its tab's key, 显示字段 with the contact's phone) of a login that sees accounts,
    else None: what a statement compiled once per shape is keyed by (read_as_viewer)."""
    user = plain_user(request)
    if not ((user.kind == User.Kind.ORG and user.org_unit_id) or (user.kind == User.Kind.FILER and user.filer_unit_id)):
        return None
    return user, current_tab(request, tabs_for(user)).key, contacts_shown(user)


def _tab_rows_of(viewer, key: str, with_contact: bool):
    """tab_rows of the (stand-in) viewer's tab `key`: the statement's scope and tab."""
    tab = next(t for t in tabs_for(viewer) if t.key == key)
    return tab_rows(accounts_visible_to(viewer).select_related("filer_unit"), tab, with_contact)


def first_accounts(request, limit: int, total: int):
    """新媒体账号信息 as it opens (no filter, no sort, first page), by one statement per role, scope
    shape, tab, page size and 显示字段 (with or without the contact's phone)
    (govmedia.common.prepared.read_as_viewer): the selectors that scope the list and its tabs
    write it, so it is their query with this viewer's values (tests/accounts_media/test_first_page.py).
    The default order has its indexes (media_live_recent, media_pending_at), so a large list reads
    its first page directly too."""
    shape = _viewer_shape(request)
    if shape is None:
        return None  # (a login that sees no accounts: through the queryset, which is empty)
    user, key, with_contact = shape
    return read_as_viewer(("media.first", key, limit, with_contact), MediaAccount,
                          lambda viewer: _tab_rows_of(viewer, key, with_contact).order_by(*MEDIA_LIST.default_ordering)[:limit],
                          user)


def accounts_by_id(request, ids: list) -> list:
    """The page's accounts by id (a search's, a deep page's), through the viewer's scope and tab as
    tab_rows reads them, by one statement per role, scope shape, tab and 显示字段: a list of ids is
    one parameter (`pk__any`), so the statement is compiled once, not per page."""
    shape = _viewer_shape(request)
    if shape is None:
        return []
    user, key, with_contact = shape
    return read_as_viewer(("media.by_id", key, with_contact), MediaAccount,
                          lambda viewer, ids: _tab_rows_of(viewer, key, with_contact).filter(pk__any=ids),
                          user, markers={"ids": IDS}, values={"ids": ids})


def media_querysets(request):
    """The rows of the current tab, and the user's whole scope (仅导出所选项 keeps to it)."""
    base = accounts_visible_to(request.user).select_related("filer_unit")
    return base.filter(current_tab(request, tabs_for(request.user)).q), base


def export_context(request) -> dict:
    ctx = {"org": org_names_lookup(), "tz": timezone.get_default_timezone(), **masking.viewer(request.user)}
    if "contact_mobile" in {c.key for c in MEDIA_LIST.chosen_columns(request.user)}:
        masking.record_reveal(request.user, "新媒体账号信息（导出）", 1, note="导出含账号联系人手机号（仅本单位及直属单位的完整显示）")
    return ctx


@lru_cache(maxsize=4096)
def _type_text(code, kind, name):
    return display_type(code, kind or None, name)


@lru_cache(maxsize=4096)
def _functions(publish, service, interact, other, other_text):
    return functions_text(publish, service, interact, other, other_text)


def _local_value(ctx, dt):
    """The Beijing time as a date cell of the export (issue #30), with the time zone looked up once."""
    return local_datetime(dt, ctx["tz"])


REVIEW_LINK = ("审核", "media:review", "fw-semibold")  # the one link that carries ?back=
ACTION_LINKS = [  # (label, url name, shown when any of these transitions is allowed, css)
    (*REVIEW_LINK[:2], {"approve_add", "approve_modify", "approve_close", "approve_restore"}, REVIEW_LINK[2]),
    ("编辑", "media:edit", {"save_draft"}, ""),
    ("修改", "media:modify", {"request_modify"}, ""),
    ("关停", "media:close", {"request_close"}, ""),
    ("恢复", "media:restore", {"request_restore"}, ""),
    ("查看驳回", "media:rejection", {"resubmit_add", "abandon_add", "resubmit_modify", "abandon_modify",
                                  "resubmit_close", "abandon_close", "resubmit_restore", "abandon_restore"}, "text-danger"),
    ("删除", "media:delete", {"delete"}, "text-danger"),
]
ALWAYS_LINKS = [("查看", "media:detail", ""), ("流水", "media:journal", "")]


@lru_cache(maxsize=None)
def _link_template(label: str, name: str, css: str) -> tuple[str, str, str]:
    """The link as format_html_join wrote it, cut where the account's pk and the 审核 link's
    `?back=` go: the escaping of the constant parts once per process (100 rows × 2–6 links a page)."""
    head, tail = row_url_parts(name)
    return (f'<a class="btn btn-link btn-sm p-0 me-2 {escape(css)}" href="{escape(head)}', escape(tail),
            f'">{escape(label)}</a>')


def _back_query(request) -> str:
    """`?back=<the list's query>` for the 审核 link (escaped for the attribute): after 确定 the
    reviewer returns to 待审核 with the filters, sort and page they came from
    (accounts_media.views.review_return_url)."""
    if not hasattr(request, "_media_back_query"):
        request._media_back_query = escape(("?" + urlencode({"back": request.GET.urlencode()})) if request.GET else "")
    return request._media_back_query


def _viewer(request):
    """The request's user without its lazy wrapper, and today, once per request: the workflow
    checks of 100 rows × 22 transitions read the user's attributes thousands of times."""
    if not hasattr(request, "_media_viewer"):
        request._media_viewer = (plain_user(request), timezone.localdate())
    return request._media_viewer


_LINKS_BY_ALLOWED: dict[frozenset, tuple] = {}


def _links_for(allowed: frozenset) -> tuple:
    """The links of a row whose allowed transitions are `allowed`, as (head, tail, end, carries
    ?back=): worked out once per process for each set (a page's rows share a few)."""
    found = _LINKS_BY_ALLOWED.get(allowed)
    if found is None:
        review_head = _link_template(*REVIEW_LINK)[0]
        links = [_link_template(label, name, css) for label, name, css in ALWAYS_LINKS]
        links += [_link_template(label, name, css) for label, name, needs, css in ACTION_LINKS if allowed & needs]
        found = _LINKS_BY_ALLOWED[allowed] = tuple((head, tail, end, head == review_head) for head, tail, end in links)
    return found


def actions_html(row, request) -> str:
    """操作: 查看 and 流水 always; the others as the workflow table allows this user now."""
    user, today = _viewer(request)
    links = _links_for(frozenset([t.name for t in WORKFLOW.allowed(row, user, today)]))
    pk, back = row.pk, _back_query(request)
    html = SafeString("".join([f"{head}{pk}{tail}{back if review else ''}{end}"
                               for head, tail, end, review in links]))  # constant parts and the query escaped above
    return SafeString(html + _overdue_html(row)) if row.reviewer_id else html  # both safe markup


def _overdue_html(row) -> str:
    """超期N天 of a row waiting for review, as prepare_page found it (or now, for a row it did not see)."""
    found = getattr(row, "overdue_html", None)
    return overdue_badge(row) if found is None else found


def _filer_name_title(user) -> str:
    """The manual's L1 screens (关停恢复, 处理被驳回) head this column 填报单位名称; the other
    org units' screens and the filer's 填报单位全称."""
    return "填报单位名称" if getattr(user, "role", None) == Role.L1 else "填报单位全称"


DATE = forms.DateInput(attrs={"type": "date"})
FUNCTIONS = [("func_publish", "信息发布"), ("func_service", "办事服务"), ("func_interact", "互动交流"), ("func_other", "其他")]


class MediaAccountFilter(OrgCascadeMixin):
    """The manual's 筛选查询: 名称, 标识码 and 填报单位唯一标识 by any part of them; 账号 ID/URL exact."""

    org_path_field = "org_path"
    account_type = django_filters.ChoiceFilter(label="账号类型", choices=[(t.code, t.name) for t in ACCOUNT_TYPES], empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices, empty_label="全部")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="创建时间从", widget=DATE)
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="至", widget=DATE)
    updated_from = django_filters.DateFilter(field_name="updated_at", lookup_expr="date__gte", label="修改时间从", widget=DATE)
    updated_to = django_filters.DateFilter(field_name="updated_at", lookup_expr="date__lte", label="至", widget=DATE)
    media_code = django_filters.CharFilter(label="标识码", method="filter_part")
    name = django_filters.CharFilter(label="名称搜索", method="filter_part")
    filer_code = django_filters.CharFilter(label="填报单位唯一标识", method="filter_filer_code")
    account_id = django_filters.CharFilter(label="账号ID/URL", method="filter_account_id")
    functions = django_filters.MultipleChoiceFilter(label="功能", choices=FUNCTIONS, method="filter_functions",
                                                    widget=forms.CheckboxSelectMultiple)
    represents_government = django_filters.ChoiceFilter(
        label="账号是否代表省/市/县(区)人民政府或国务院部门", choices=[("1", "是"), ("0", "否")], empty_label="全部",
        method="filter_represents")
    level = django_filters.ChoiceFilter(label="组织单位层级", choices=list(LEVEL_LABELS.items()), empty_label="全部",
                                        method="filter_level")
    filed_late = django_filters.ChoiceFilter(label="逾期备案（开设后超过3个工作日提交）", choices=[("1", "是"), ("0", "否")],
                                             empty_label="全部", method="filter_filed_late")
    control = django_filters.ChoiceFilter(label="控制权验证", choices=CONTROL_CHOICES, empty_label="全部",
                                          method="filter_control")

    class Meta:
        model = MediaAccount
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and getattr(request.user, "kind", None) == "filer":
            # One filer unit's own list: the org filters and its own code mean nothing there.
            for name in ("level", "filer_code", "org1", "org2", "org3"):
                self.filters.pop(name, None)

    def filter_part(self, queryset, name, value):
        """Any part of the name or of the 标识码 (issue 30), on an index (govmedia/common/search.py)."""
        return queryset.filter(part_of(name, value))

    def filter_filer_code(self, queryset, name, value):
        return queryset.filter(part_of("filer_unit__code", value))

    def filter_account_id(self, queryset, name, value):
        """An id as stored, a pasted link (its id under every type that reads one), or the link itself."""
        value = value.strip()
        q = Q(platform_id=value) | Q(url=value)
        for atype in ACCOUNT_TYPES:
            try:
                q |= Q(account_type=atype.code, platform_id=extract_platform_id(atype.code, value))
            except PlatformIdError:
                continue
        return queryset.filter(q)

    def filter_level(self, queryset, name, value):
        """The accounts of org units of one level (数据看板's 按组织单位层级 drills down here)."""
        return queryset.filter(org_path__regex=level_path_regex(int(value)))

    def filter_functions(self, queryset, name, values):
        return queryset.filter(**{field: True for field in values if field in dict(FUNCTIONS)})

    def filter_represents(self, queryset, name, value):
        return queryset.filter(represents_government=value == "1")

    def filter_filed_late(self, queryset, name, value):
        return queryset.filter(filed_late=value == "1")

    def filter_control(self, queryset, name, value):
        return filter_by_state(queryset, "media_account", value)


MEDIA_LIST = register(ListSpec(
    name="media_accounts",
    filterset_class=MediaAccountFilter,
    default_ordering=("-updated_at", "-id"),
    export_filename="新媒体账号信息.xlsx",
    export_sheet="新媒体账号信息",
    prepare_page=prepare_page,
    first_page=first_accounts,
    rows_by_id=accounts_by_id,
    actions=actions_html,
    row_class=lambda row: "table-danger" if row.reviewer_id and _overdue_html(row) else "",  # 超期待审核
    querysets=media_querysets,
    export_context=export_context,
    columns=[
        Column("filer_code", "填报单位唯一标识", lambda r: r.filer_unit.code, sort="filer_unit__code",
               fields=("filer_unit__code",)),
        Column("filer_name", "填报单位全称", lambda r: r.filer_unit.name, sort="filer_unit__name",
               fields=("filer_unit__name",), title_for=_filer_name_title),
        # Accounts without a code yet (未提交, 添加待审核 …) sort last, whichever the direction.
        Column("media_code", "新媒体标识码", lambda r: r.media_code or "", sort="media_code", fields=("media_code",),
               fmt=lambda ctx, v: v or "", nulls_last=True),
        Column("account_type", "账号类型", lambda r: r.type_display, sort="account_type",
               fields=("account_type", "wechat_kind", "platform_name"),
               fmt=lambda ctx, code, kind, name: _type_text(code, kind, name)),
        Column("status", "状态", lambda r: r.status_label, sort="status", fields=("status",),
               fmt=lambda ctx, v: STATUS_LABELS.get(v, v)),
        Column("represents_government", "账号是否代表省/市/县(区)人民政府或国务院部门",
               lambda r: "是" if r.represents_government else "否", fields=("represents_government",),
               fmt=lambda ctx, v: "是" if v else "否"),
        Column("functions", "功能", lambda r: r.functions_display,
               fields=("func_publish", "func_service", "func_interact", "func_other", "func_other_text"),
               fmt=lambda ctx, *flags: _functions(*flags)),
        Column("url", "文章URL/主页URL/下载URL", lambda r: r.url, default=False, fields=("url",)),
        Column("name", "名称", lambda r: r.name, sort="name", fields=("name",)),
        Column("operator", "开设主体", lambda r: r.operator, default=False, fields=("operator",)),
        Column("org1", "省/部", lambda r: r.org_names[0], default=False, fields=("org_path",),
               fmt=lambda ctx, path: ctx["org"](path)[0]),
        Column("org2", "市/省局", lambda r: r.org_names[1], default=False, fields=("org_path",),
               fmt=lambda ctx, path: ctx["org"](path)[1]),
        Column("org3", "区县/地方部门", lambda r: r.org_names[2], default=False, fields=("org_path",),
               fmt=lambda ctx, path: ctx["org"](path)[2]),
        Column("created_at", "创建时间", lambda r: local_datetime(r.created_at), sort="created_at", default=False,
               fields=("created_at",), fmt=_local_value),
        Column("updated_at", "修改时间", lambda r: local_datetime(r.updated_at), sort="updated_at",
               fields=("updated_at",), fmt=_local_value),
        # A date: shown as 2026-03-02, exported as a date cell (yyyy-mm-dd).
        Column("opened_on", "开设时间", lambda r: r.opened_on, sort="opened_on", default=False, fields=("opened_on",)),
        Column("filed_late", "逾期备案", lambda r: "是" if r.filed_late else "", default=False, fields=("filed_late",),
               fmt=lambda ctx, v: "是" if v else ""),
        Column("platform_id", "biz/oid/ID", lambda r: r.platform_id, default=False, fields=("platform_id",)),
        Column("contact_name", "账号联系人姓名", lambda r: r.contact_name, default=False, fields=("contact_name",)),
        Column("contact_title", "账号联系人职务", lambda r: r.contact_title, default=False, fields=("contact_title",)),
        Column("contact_mobile", "账号联系人手机号", lambda r: r.contact_mobile_shown, default=False,
               fields=("contact_mobile", "filer_unit__org_unit_id", "filer_unit_id"),
               fmt=lambda ctx, v, org, filer: masking.shown(ctx, v, org, filer)),
        Column("contact_landline", "账号联系人座机号", lambda r: r.contact_landline, default=False,
               fields=("contact_landline",)),
    ],
))
