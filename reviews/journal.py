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

from . import chain
from .models import JournalEntry
from axes.helpers import get_client_ip_address

# The closed registry of journal actions: one line per code, with the Chinese label the journal
# and the admin's 操作 filter show. `record()` refuses a code not listed here (a free string would
# drift from the filter); the review engine's transitions register theirs (name → label) when
# their table is declared (`register_transitions`), so every code in the table is selectable.
ACTIONS = {
    "filer_create": "添加填报单位",
    "filer_rename": "修改填报单位全称",
    "filer_password_reset": "重置密码",
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
    "report_edit": "修改抽查报告",
    "report_item_add": "添加检查结果",
    "report_item_import": "导入检查结果",
    "report_item_delete": "删除检查结果",
    "report_document": "上传季度报告",
    "notice_draft": "保存通知草稿",
    "notice_attach": "上传通知附件",
    "notice_open": "查看通知",
    "notice_download": "下载通知附件",
    # monitoring (issue 27)
    "monitoring_to_sheet": "监测发现转入检查结果",
    "monitoring_prefill": "监测结果预填检查结果",
    "monitoring_dictionary_sync": "词库同步组织机构名称",
    "notification_preferences": "修改消息提醒设置",
    "check_open": "发起检查",
    "check_unregistered_register": "未备案账号去备案",
    "check_submit": "提交检查结果",
    "check_return": "退回检查结果",
    "check_accept": "审核通过检查结果",
    "check_sheet_edit": "修改检查结果信息表",
    "check_unregistered_add": "登记未备案账号",
    "check_unregistered_edit": "修改未备案账号处理情况",
    "check_unregistered_delete": "删除未备案账号",
    "check_report_up": "上报检查结果",
    # the public side (verify, issue 29): 举报仿冒账号 (transitions of verify.imitation.WORKFLOW),
    # 继任账号, and the reuse watch of closed accounts
    "imitation_report": "举报仿冒账号",
    "imitation_surface": "多次查询未登记",
    "imitation_again": "再次举报",
    "imitation_lookups": "累计查询次数",
    "imitation_confirm": "确认仿冒",
    "imitation_genuine": "确认非仿冒",
    "imitation_handled": "已处置",
    "account_successor": "设定继任账号",
    "account_reuse": "关停账号链接重新可访问",
    # 等保/商用密码 (issue 31; decisions 0052-0054)
    "ops_user_create": "新增运维人员",
    "login_totp_failure": "动态验证码错误",
    "keys_rotate": "轮换数据密钥",
    "personal_data_reveal": "查看完整联系方式",
    "audit_export": "导出审计日志",
    "audit_archive": "归档审计日志",
    "journal_verify_failed": "审计日志完整性校验失败",
    "journal_seal": "封存启用链前的操作日志",
    # proof of control and the portals' account lists (issue 28, decision 0058)
    "control_code_issued": "生成控制权验证码",
    "control_verified": "控制权已验证",
    "control_reverified": "控制权重新验证",
    "control_expired": "控制权验证已过期",
    "portal_list_read": "读取门户公布的账号清单",
    "portal_item_closed": "门户账号清单核查已处理",
}

# The closed registry of subject types, as the admin's filter names them.
SUBJECT_TYPES = {
    "media_account": "新媒体账号",
    "website": "政府网站",
    "filer_unit": "填报单位",
    "org_unit": "组织单位",
    "user": "用户",
    "report": "抽查上报",
    "notice": "通知",
    "checksheet": "检查结果信息表",
    "checkround": "检查季度",
    "imitation_report": "举报仿冒账号",
    "expressionrule": "严重表述错误词库",
    "indicator": "检查指标",
    "system": "系统（审计与密钥）",
    "control_proof": "控制权验证",
}

# model label → subject type
_TYPE_OF_MODEL = {
    "accounts_media.mediaaccount": "media_account",
    "websites.website": "website",
    "orgtree.filerunit": "filer_unit",
    "orgtree.orgunit": "org_unit",
    "accounts.user": "user",
    "reports.spotcheckreport": "report",
    "reports.notice": "notice",
    "reports.checkround": "checkround",
    "reports.checksheet": "checksheet",
    "verify.imitationreport": "imitation_report",
}

# code → label of the review engine's transitions (filled as their tables are declared).
TRANSITION_ACTIONS: dict[str, str] = {}


class UnknownAction(ValueError):
    """An action code or subject type not in the registry: a programming error, never shown."""


def register_transitions(subject_type: str, transitions) -> None:
    """The engine declares a table's transitions here: their names become journal actions."""
    if subject_type not in SUBJECT_TYPES:
        raise UnknownAction(f"subject type {subject_type!r} is not in journal.SUBJECT_TYPES")
    for t in transitions:
        TRANSITION_ACTIONS.setdefault(t.name, t.label)


def action_labels() -> dict[str, str]:
    """Every action code the journal can hold, with its label (record()'s and the engine's)."""
    return {**TRANSITION_ACTIONS, **ACTIONS}


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
    if kind == "ops":  # 三员分立: the role acted in is part of every ops entry (accounts/ops_roles.py)
        role = {"sysadmin": "系统管理员", "secadmin": "安全管理员", "auditor": "审计管理员"}.get(getattr(user, "ops_role", ""))
        return user.username, f"运维人员（{role}）" if role else "运维人员"
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
    if action not in ACTIONS:
        raise UnknownAction(f"journal action {action!r} is not in journal.ACTIONS")
    code, unit_name = unit_of(user)
    if subject is not None:
        subject_type = subject_type or subject_type_of(subject)
        subject_id = subject.pk or 0
        subject_label = subject_label or str(subject)
    if subject_type not in SUBJECT_TYPES:
        raise UnknownAction(f"subject type {subject_type!r} is not in journal.SUBJECT_TYPES")
    if changes is None:
        labels = field_labels(type(subject)) if subject is not None else {}
        changes = diff(before or {}, after or {}, labels)
    return chain.append(JournalEntry(
        subject_type=subject_type, subject_id=subject_id or 0, subject_label=subject_label[:200],
        actor=user if getattr(user, "pk", None) and getattr(user, "is_authenticated", False) else None,
        actor_unit_code=code[:30], actor_unit_name=unit_name[:120], action=action,
        action_label=(label or ACTIONS[action])[:40], status_before=status[0][:30],
        status_after=status[1][:30], reason=reason or "", changes=changes, data=data or {},
        ip_address=ip, scope_path=scope_path,
    ))


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


__all__ = ["ACTIONS", "SUBJECT_TYPES", "JournalMiddleware", "UnknownAction", "action_labels", "register_transitions", "client_ip", "current_ip", "diff", "move_scope",
           "record", "register_search", "search_q", "show", "unit_of"]

