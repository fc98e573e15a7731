"""The 【填报单位用户管理】 list: columns as the manual's screen, built on the shared list machinery."""
from types import SimpleNamespace

import django_filters
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from govmedia.common import masking
from govmedia.common.filtersets import CodeOrNameFilter
from govmedia.common.links import row_url_parts
from govmedia.common.list_parts import page_token
from govmedia.common.prepared import IDS, read_as_viewer
from govmedia.common.lists import Column, ListSpec, cell_escape, register, same_scope
from govmedia.common.request_user import plain_user
from govmedia.common.xlsx import local_datetime
from orgtree.models import FilerUnit
from orgtree.selectors import attach_org_names, org_names_lookup

from .filer_services import may_rename, password_shown_to_supervisor
from .models import User
from .org_credentials import password_state, supervised_org_users
from .filer_workflow import deletion_refusal
from .filters import FilerUnitFilter
from .services import password_column
from .selectors import filer_units_visible_to


def prepare_page(rows, request):
    """Per page, in one query each: the org names of the cascade columns, password states; the
    contacts in full only for the unit directly above (masking, journaled)."""
    attach_org_names(rows, lambda row: row.org_unit.path)
    ctx = masking.viewer(request.user)
    revealed = 0
    for row in rows:
        row.head_mobile_shown = masking.shown(ctx, row.head_mobile, row.org_unit_id)
        row.contact_mobile_shown = masking.shown(ctx, row.contact_mobile, row.org_unit_id)
        revealed += bool(row.contact_mobile) and row.contact_mobile_shown == row.contact_mobile  # (a mask has *)
    if revealed and {"head_mobile", "contact_mobile"} & {c.key for c in FILER_UNIT_LIST.chosen_columns(request.user)}:
        masking.record_reveal(request.user, "填报单位用户管理（列表）", revealed)
    viewer = plain_user(request)
    for row in rows:
        user = _login_of(row)
        row.shown_password = password_shown_to_supervisor(user) if user else None
        row.password_state = _password_state(user, row.shown_password)
        row.delete_refusal = deletion_refusal(viewer, row)
        row.may_rename = may_rename(viewer, row)


STATUS_LABELS = dict(FilerUnit.Status.choices)


def page_rows_of(qs):
    """The list's rows with what the page reads of their org unit (name, path) and of their login
    (the two columns of its password state, as values: no login instance per row), not the other
    columns (a login's password hash and settings JSON decrypted, an org unit's contacts)."""
    filer_fields = [f.name for f in FilerUnit._meta.concrete_fields]
    return (qs.select_related("org_unit").only(*filer_fields, "org_unit__name", "org_unit__path")
            .annotate(login_id=F("user__id"), login_password=F("user__initial_password_encrypted"),
                      login_must_change=F("user__must_change_password")))


def filer_units_by_id(request, ids: list) -> list:
    """The page's filer units by id (a search's, a deep page's), through the viewer's scope as
    page_rows_of reads them, by one statement per scope shape (`pk__any`: compiled once)."""
    user = plain_user(request)
    if user.kind != User.Kind.ORG or not user.org_unit_id:
        return []  # (no one else sees this list)

    def build(viewer, ids):
        return page_rows_of(filer_units_visible_to(viewer)).filter(pk__any=ids)

    return read_as_viewer("filer_units.by_id", FilerUnit, build, user,
                          markers={"ids": IDS}, values={"ids": ids})


def _login_of(row):
    """The row's login as the password rules read it (its two columns), or None when it has none."""
    if getattr(row, "login_id", None) is None:
        return None
    return SimpleNamespace(initial_password_encrypted=row.login_password, must_change_password=row.login_must_change)


def filer_querysets(request):
    qs = filer_units_visible_to(request.user)  # the page's columns: page_columns, on the rows it reads
    return qs, qs


def _password_state(user, shown):
    return "—" if user is None else password_column(user, shown)


def _password_html(row) -> str:
    if row.shown_password:  # (format_html's output, with the lists' escaping: a cell per row)
        return SafeString(f'<code class="initial-password">{cell_escape(row.shown_password)}</code>')
    return SafeString(f'<span class="text-muted">{cell_escape(row.password_state)}</span>')


ACTION_PAGES = ("filer_units:detail", "filer_units:reset_password", "filer_units:rename", "filer_units:delete")


def _action_parts(request) -> tuple[str, dict[str, tuple[str, str]]]:
    """Once per page, not per row: the CSRF token of the 重置密码 forms and the 操作 links' addresses
    cut where the row's pk goes, escaped."""
    if not hasattr(request, "_filer_actions"):
        e = cell_escape
        request._filer_actions = (e(page_token(request)),
                                  {name: tuple(e(part) for part in row_url_parts(name)) for name in ACTION_PAGES})
    return request._filer_actions


def actions_html(row, request) -> str:
    """操作: 查看, 重置密码 (once the unit changed its initial password), 修改全称, 删除 (or why not)."""
    if not row.is_active:
        return SafeString('<span class="text-muted small">已删除</span>')
    (token, links), pk = _action_parts(request), row.pk  # pk: an integer
    e = cell_escape  # format_html's escaping, without its per-call overhead (100 rows a page)
    name = e(row.name)
    head, tail = links["filer_units:detail"]
    parts = [f'<a class="btn btn-link btn-sm p-0 me-2" href="{head}{pk}{tail}">查看</a>']
    if not row.shown_password:
        head, tail = links["filer_units:reset_password"]
        parts.append(
            f'<form method="post" action="{head}{pk}{tail}" class="d-inline">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<button type="submit" class="btn btn-link btn-sm p-0 me-2" data-confirm="确定要重置“{name}”的密码吗？重置后原密码立即失效，'
            '新密码只显示一次。">重置密码</button></form>')
    if row.may_rename:
        head, tail = links["filer_units:rename"]
        parts.append(f'<a class="btn btn-link btn-sm p-0 me-2" href="{head}{pk}{tail}">修改全称</a>')
    if row.delete_refusal:
        refusal = e(row.delete_refusal)
        parts.append(
            f'<span class="d-inline-block" tabindex="0" title="{refusal}"><button type="button" class="btn btn-link btn-sm p-0 '
            f'text-danger" disabled>删除</button></span><span class="visually-hidden">{refusal}</span>')
    else:
        head, tail = links["filer_units:delete"]
        parts.append(
            '<button type="button" class="btn btn-link btn-sm p-0 text-danger" data-bs-toggle="modal" '
            f'data-bs-target="#delete-filer" data-action="{head}{pk}{tail}" '
            f'data-name="{name}（{e(row.code)}）">删除</button>')
    return SafeString("".join(parts))  # every value above is escaped


def export_context(request) -> dict:
    ctx = {"org": org_names_lookup(), "tz": timezone.get_default_timezone(), **masking.viewer(request.user)}
    if ctx["reveal_org"] and {"head_mobile", "contact_mobile"} & {c.key for c in FILER_UNIT_LIST.chosen_columns(request.user)}:
        masking.record_reveal(request.user, "填报单位用户信息（导出）", 1, note="导出本单位直属填报单位的完整手机号")
    return ctx


FILER_UNIT_LIST = register(ListSpec(
    name="filer_units",
    filterset_class=FilerUnitFilter,
    default_ordering=("-created_at", "-id"),
    export_filename="填报单位用户信息.xlsx",
    export_sheet="填报单位用户信息",
    prepare_page=prepare_page,
    actions=actions_html,
    querysets=filer_querysets,
    rows_by_id=filer_units_by_id,
    page_columns=page_rows_of,
    export_context=lambda request: export_context(request),
    columns=[
        Column("name", "部门", lambda r: r.name, sort="name", choosable=False, fields=("name",)),
        Column("org_unit", "所属组织单位", lambda r: r.org_unit.name, sort="org_unit__path", fields=("org_unit__name",)),
        Column("org1", "省/部", lambda r: r.org_names[0], default=False, fields=("org_unit__path",),
               fmt=lambda ctx, path: ctx["org"](path)[0]),
        Column("org2", "市/省局", lambda r: r.org_names[1], default=False, fields=("org_unit__path",),
               fmt=lambda ctx, path: ctx["org"](path)[1]),
        Column("org3", "区县/地方部门", lambda r: r.org_names[2], default=False, fields=("org_unit__path",),
               fmt=lambda ctx, path: ctx["org"](path)[2]),
        Column("media_count", "账号数量", lambda r: r.media_count, sort="media_count", fields=("media_count",)),
        Column("head_name", "姓名", lambda r: r.head_name, group="新媒体工作负责人", fields=("head_name",)),
        Column("head_title", "职务", lambda r: r.head_title, group="新媒体工作负责人", fields=("head_title",)),
        Column("head_mobile", "手机号", lambda r: r.head_mobile_shown, group="新媒体工作负责人",
               fields=("head_mobile", "org_unit_id"), fmt=lambda ctx, v, org: masking.shown(ctx, v, org)),
        Column("head_landline", "座机号", lambda r: r.head_landline, group="新媒体工作负责人", fields=("head_landline",)),
        Column("contact_name", "姓名", lambda r: r.contact_name, group="新媒体工作联系人", fields=("contact_name",)),
        Column("contact_title", "职务", lambda r: r.contact_title, group="新媒体工作联系人", fields=("contact_title",)),
        Column("contact_mobile", "手机号", lambda r: r.contact_mobile_shown, group="新媒体工作联系人",
               fields=("contact_mobile", "org_unit_id"), fmt=lambda ctx, v, org: masking.shown(ctx, v, org)),
        Column("contact_landline", "座机号", lambda r: r.contact_landline, group="新媒体工作联系人",
               fields=("contact_landline",)),
        # Shown as 2026-03-02 09:30:00, exported as a date cell (issue #30).
        Column("created_at", "时间", lambda r: local_datetime(r.created_at), sort="created_at", fields=("created_at",),
               fmt=lambda ctx, v: local_datetime(v, ctx["tz"])),
        Column("code", "用户名", lambda r: r.code, sort="code", fields=("code",)),
        Column("password", "密码", lambda r: r.password_state, exportable=False, html=lambda r: _password_html(r)),
        Column("status", "状态", lambda r: STATUS_LABELS.get(r.status, r.status), sort="status", fields=("status",),
               fmt=lambda ctx, v: STATUS_LABELS.get(v, v)),
        Column("delete_reason", "删除原因", lambda r: r.delete_reason, default=False, fields=("delete_reason",)),
    ],
))


# --- 用户设置 → 下级组织单位用户: the logins of the org units directly below -------------------

class OrgUserFilter(CodeOrNameFilter):
    code_field, name_field = "username", "org_unit__name"
    q = django_filters.CharFilter(label="组织单位代码或名称", method="filter_q")

    class Meta:
        model = User
        fields: list[str] = []


def prepare_org_users(rows, request):
    for user in rows:
        user.shown_password, user.password_state = password_state(user)


def org_user_actions(user, request) -> str:
    """重置密码 once the unit changed its initial password (until then the unit above reads it)."""
    if user.shown_password:
        return ""
    return format_html(
        '<form method="post" action="{}" class="d-inline"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="btn btn-link btn-sm p-0" data-confirm="确定要重置“{}”的密码吗？重置后原密码立即失效，'
        '新密码只显示一次。">重置密码</button></form>',
        reverse("accounts:org_user_reset", args=[user.pk]), page_token(request), user.org_unit.name)


ORG_USER_LIST = register(ListSpec(
    name="org_users",
    filterset_class=OrgUserFilter,
    default_ordering=("org_unit__code",),
    export_filename="下级组织单位用户.xlsx",
    export_sheet="下级组织单位用户",
    prepare_page=prepare_org_users,
    querysets=same_scope(lambda request: supervised_org_users(request.user)),
    actions=org_user_actions,
    columns=[
        Column("org_unit", "组织单位", lambda u: u.org_unit.name, sort="org_unit__name", choosable=False),
        Column("username", "用户名", lambda u: u.username, sort="username", html=lambda u: format_html("<code>{}</code>", u.username)),
        # The initial password is shown on the page only, never written to a file.
        Column("password", "密码", lambda u: u.password_state, html=_password_html, exportable=False),
    ],
))
