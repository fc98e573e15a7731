"""The journal (流水 / 操作日志): one table for every change, whoever makes it.

The review engine writes one `JournalEntry` per transition; everything else that changes data —
filer units, org units, ops edits in the admin, reports, notices, passwords, logins — calls
`record()` from its service, inside the same transaction as the change:

    journal.record(filer, "filer_rename", actor, before={"name": old}, after={"name": new},
                   scope_path=filer.org_unit.path)

Who acted (`user`; its unit is derived), from which address (the current request's, read through
django-axes so that `PROXY_COUNT` / `AXES_IPWARE_PROXY_COUNT` decides which forwarded hop counts),
when, what (an action code from `ACTIONS` and its Chinese label), on which subject, old → new
(`before`/`after` dicts, or ready `changes`), and under which org path the entry is scoped (the
org units whose subtree holds `scope_path` see it on their 操作日志 page).

`JournalMiddleware` keeps the current request in a context variable for the duration of one
request only, so services need not carry the request around; outside a request (commands, tests
calling services directly) the address is empty and `user` must be passed.

This module imports nothing of ours: every app may call it.
"""
import contextvars
import ipaddress
from typing import Callable, Iterable
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

from .models import JournalEntry

# Actions recorded through `record()`, with the label the journal shows. (The review engine's
# transitions carry their own labels: 同意添加, 审核通过 …)
ACTIONS = {
    "filer_create": "添加填报单位",
    "filer_rename": "修改填报单位全称",
    "filer_password_reset": "重置密码",
    "filer_delete": "删除填报单位",
    "filer_info": "修改填报单位信息",
    "org_create": "新增组织单位",
    "org_rename": "修改组织单位名称",
    "org_edit": "修改组织单位信息",
    "org_move": "调整挂接关系",
    "ops_create": "运维新增",
    "ops_edit": "运维修改",
    "password_change": "修改密码",
    "password_forgot": "找回密码",
    "password_reset_ops": "运维重置密码",
    "login_success": "登录成功",
    "login_failure": "登录失败",
    "login_lockout": "登录锁定",
    "site_verification_reset": "重置校验码",
    "report_submit": "提交抽查报告",
    "report_document": "上传季度报告",
    "notice_send": "下发通知",
    "notice_open": "查看通知",
    "notice_download": "下载通知附件",
    # monitoring (issue 27)
    "monitoring_to_sheet": "监测发现转入检查结果",
    "monitoring_prefill": "监测结果预填检查结果",
    "monitoring_dictionary_sync": "词库同步组织机构名称",
    # proof of control and the portals' account lists (issue 28, decision 0058)
    "control_code_issued": "生成控制权验证码",
    "control_verified": "控制权已验证",
    "control_reverified": "控制权重新验证",
    "control_expired": "控制权验证已过期",
    "portal_list_read": "读取门户公布的账号清单",
    "portal_item_closed": "门户账号清单核查已处理",
}

# The subject types, as the admin's filter names them.
SUBJECT_TYPES = {
    "media_account": "新媒体账号",
    "website": "政府网站",
    "filer_unit": "填报单位",
    "org_unit": "组织单位",
    "user": "用户",
    "report": "抽查上报",
    "notice": "通知",
    "control_proof": "控制权验证",
}

# model label → subject type (the engine's two and ours); any other model uses its model name.
_TYPE_OF_MODEL = {
    "accounts_media.mediaaccount": "media_account",
    "websites.website": "website",
    "orgtree.filerunit": "filer_unit",
    "orgtree.orgunit": "org_unit",
    "accounts.user": "user",
    "reports.spotcheckreport": "report",
    "reports.notice": "notice",
}

_current_request: contextvars.ContextVar = contextvars.ContextVar("journal_request", default=None)


class JournalMiddleware:
    """Makes the current request (its user and address) known to `record()` while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_ip(request) -> str | None:
    """The client's address as django-axes reads it (honouring PROXY_COUNT), or None."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def unit_of(user) -> tuple[str, str]:
    """(code, name) of the unit a user acts for: its org unit, its filer unit, its website, or
    运维人员 for ops staff."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "", ""
    kind = getattr(user, "kind", "")
    if kind == "org" and user.org_unit_id:
        return user.org_unit.code, user.org_unit.name
    if kind == "filer" and user.filer_unit_id:
        return user.filer_unit.code, user.filer_unit.name
    if kind == "site":
        site = getattr(user, "website", None)
        return user.username, site.name if site else "网站"
    if kind == "ops":
        return user.username, "运维人员"
    return user.username, ""


def subject_type_of(subject) -> str:
    return _TYPE_OF_MODEL.get(subject._meta.label_lower, subject._meta.model_name)


def show(value) -> str:
    """A value as the journal displays it (是/否, lists joined with ；, related objects by name)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "；".join(show(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{show(v)}" for k, v in value.items())
    return str(value)


def diff(before: dict, after: dict, labels: dict | None = None) -> list[dict]:
    """The changed fields, as the 流水 pages show them: [{"field","label","old","new"}]."""
    labels = labels or {}
    changes = []
    for name in dict.fromkeys([*before, *after]):
        old, new = show(before.get(name)), show(after.get(name))
        if old != new:
            changes.append({"field": name, "label": str(labels.get(name, name)), "old": old, "new": new})
    return changes


def field_labels(model) -> dict:
    return {f.name: f.verbose_name for f in model._meta.get_fields() if getattr(f, "verbose_name", None)}


def record(subject: models.Model | None, action: str, user=None, *, label: str = "", before: dict | None = None,
           after: dict | None = None, changes: list | None = None, status: tuple[str, str] = ("", ""),
           reason: str = "", scope_path: str = "", subject_type: str = "", subject_id: int = 0,
           subject_label: str = "", data: dict | None = None, request=None, ip: str | None = None) -> JournalEntry:
    """Write one journal entry now (inside the caller's transaction) and return it.

    `subject`: the model instance changed (or None with `subject_type`/`subject_id`, e.g. a
    failed login for an unknown username). `user`: who acted (default: the current request's
    user). `before`/`after`: the changed fields' old and new values (or `changes` ready made).
    `status`: the (before, after) status labels. `scope_path`: the org path whose org units see
    the entry on their 操作日志 page. `request`/`ip`: the address (default: the current request's).
    """
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if ip is None:
        ip = client_ip(request)
    code, unit_name = unit_of(user)
    if subject is not None:
        subject_type = subject_type or subject_type_of(subject)
        subject_id = subject.pk or 0
        subject_label = subject_label or str(subject)
    if changes is None:
        labels = field_labels(type(subject)) if subject is not None else {}
        changes = diff(before or {}, after or {}, labels)
    return JournalEntry.objects.create(
        subject_type=subject_type, subject_id=subject_id or 0, subject_label=subject_label[:200],
        actor=user if getattr(user, "pk", None) and getattr(user, "is_authenticated", False) else None,
        actor_unit_code=code[:30], actor_unit_name=unit_name[:120], action=action,
        action_label=(label or ACTIONS.get(action, action))[:40], status_before=status[0][:30],
        status_after=status[1][:30], reason=reason or "", changes=changes, data=data or {},
        ip_address=ip, scope_path=scope_path,
    )


def current_ip() -> str | None:
    """The address of the request being served, if any (the review engine stamps its entries with it)."""
    return client_ip(current_request())


# subject type → a function finding the ids of the subjects a search term names (a code, a
# name): each app registers its own in its admin module, so the journal knows no app's model.
SUBJECT_SEARCHES: dict[str, Callable[[str], Iterable[int]]] = {}
SEARCH_LIMIT = 100  # subjects per type that one term may name


def register_search(subject_type: str, find: Callable[[str], Iterable[int]]) -> None:
    SUBJECT_SEARCHES[subject_type] = find


def search_q(term: str) -> Q:
    """Entries a search term points to, each through an index: the acting unit's code, an
    address, or the subjects the term names (resolved in their own tables first: a substring
    search over millions of journal rows would read them all)."""
    term = term.strip()
    q = Q(actor_unit_code=term) | Q(subject_type="user", subject_id=0, subject_label=term)
    try:
        q |= Q(ip_address=str(ipaddress.ip_address(term)))
    except ValueError:
        pass
    for subject_type, find in SUBJECT_SEARCHES.items():
        ids = list(find(term)[:SEARCH_LIMIT])
        if ids:
            q |= Q(subject_type=subject_type, subject_id__in=ids)
    return q


def move_scope(old_prefix: str, new_prefix: str) -> int:
    """A subtree moved (挂接关系): its entries move with it, so the new chain sees their history."""
    return JournalEntry.objects.filter(scope_path__startswith=old_prefix).update(
        scope_path=Concat(Value(new_prefix), Substr("scope_path", len(old_prefix) + 1)))


__all__ = ["ACTIONS", "SUBJECT_TYPES", "JournalMiddleware", "client_ip", "current_ip", "diff", "move_scope",
           "record", "register_search", "search_q", "show", "unit_of"]

