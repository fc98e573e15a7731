"""Columns of 【新媒体账号信息】 with the manual's titles, on the shared list machinery."""
import django_filters
from django.utils import timezone

from accounts.filters import OrgCascadeMixin
from govmedia.common.lists import Column, ListSpec, register
from orgtree.selectors import cascade_codes, names_by_code

from .models import MediaAccount, Status
from .platforms import ACCOUNT_TYPES


def prepare_page(rows, request):
    cascades = {row.pk: cascade_codes(row.org_path) for row in rows}
    names = names_by_code(code for codes in cascades.values() for code in codes)
    for row in rows:
        row.org_names = [names.get(code, "") for code in cascades[row.pk]]


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else ""


class MediaAccountFilter(OrgCascadeMixin):
    org_path_field = "org_path"
    account_type = django_filters.ChoiceFilter(label="账号类型", choices=[(t.code, t.name) for t in ACCOUNT_TYPES], empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices, empty_label="全部")
    media_code = django_filters.CharFilter(label="标识码", field_name="media_code", lookup_expr="iexact")
    name = django_filters.CharFilter(label="名称搜索", field_name="name", lookup_expr="exact")

    class Meta:
        model = MediaAccount
        fields: list[str] = []


MEDIA_LIST = register(ListSpec(
    name="media_accounts",
    filterset_class=MediaAccountFilter,
    default_ordering=("-updated_at", "-id"),
    export_filename="新媒体账号信息.xlsx",
    export_sheet="新媒体账号信息",
    prepare_page=prepare_page,
    columns=[
        Column("filer_code", "填报单位唯一标识", lambda r: r.filer_unit.code, sort="filer_unit__code"),
        Column("filer_name", "填报单位全称", lambda r: r.filer_unit.name, sort="filer_unit__name"),
        Column("media_code", "新媒体标识码", lambda r: r.media_code or "", sort="media_code"),
        Column("account_type", "账号类型", lambda r: r.type_display, sort="account_type"),
        Column("status", "状态", lambda r: r.get_status_display(), sort="status"),
        Column("represents_government", "账号是否代表省/市/县(区)人民政府或国务院部门",
               lambda r: "是" if r.represents_government else "否"),
        Column("functions", "功能", lambda r: r.functions_display),
        Column("url", "文章URL/主页URL/下载URL", lambda r: r.url, default=False),
        Column("name", "名称", lambda r: r.name, sort="name"),
        Column("operator", "开设主体", lambda r: r.operator, default=False),
        Column("org1", "省/部", lambda r: r.org_names[0], default=False),
        Column("org2", "市/省局", lambda r: r.org_names[1], default=False),
        Column("org3", "区县/地方部门", lambda r: r.org_names[2], default=False),
        Column("created_at", "创建时间", lambda r: _local(r.created_at), sort="created_at", default=False),
        Column("updated_at", "修改时间", lambda r: _local(r.updated_at), sort="updated_at"),
    ],
))
