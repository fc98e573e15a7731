"""The public face of a registered account or website: which rows are public, their status as
the public reads it, and the only fields that ever leave the registry (page, API, open data, feeds).

Every public output is built from `account_record` / `website_record`; nothing else of a model
(contacts, phones, e-mails, reviewers, 校验码, pending changes) is read into them.
"""
from django.db.models import DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts_media.models import MediaAccount, Status
from accounts_media.platforms import display_type
from orgtree.selectors import cascade_codes, names_by_code
from reviews.models import JournalEntry
from websites.models import RunStatus, Website
from control.selectors import public_states, states_of, with_public_state
from django.core.exceptions import ObjectDoesNotExist

# --- answers --------------------------------------------------------------------------------
REGISTERED, CLOSED, NOT_REGISTERED, UNRECOGNISED = "registered", "closed", "not_registered", "unrecognised"
ACCOUNT_ANSWERS = {REGISTERED: "是政务新媒体账号", CLOSED: "已关停", NOT_REGISTERED: "未在系统中登记",
                   UNRECOGNISED: "无法识别该链接"}
WEBSITE_ANSWERS = {REGISTERED: "是政府网站", CLOSED: "已关停", NOT_REGISTERED: "未在系统中登记",
                   UNRECOGNISED: "无法识别该网址"}

# An account's status as the public reads it: 正常 while it runs (a change or closure request
# waiting does not stop it), 已关停 once closed (also while a restore is asked).
CLOSED_STATUSES = {Status.CLOSED, Status.RESTORE_PENDING, Status.RESTORE_REJECTED}
PUBLIC_NORMAL, PUBLIC_CLOSED, PUBLIC_DELETED = "normal", "closed", "deleted"
ACCOUNT_STATUS_LABELS = {PUBLIC_NORMAL: "正常", PUBLIC_CLOSED: "已关停", PUBLIC_DELETED: "已删除（退出监管）"}

# A website's 运行状态 as the public reads it (the codes are RunStatus values).
WEBSITE_STATUS_LABELS = {RunStatus.NORMAL: "正常", RunStatus.TEMP_OFFLINE: "临时下线",
                         RunStatus.EMERGENCY_OFFLINE: "紧急下线", RunStatus.EXCEPTION: "例外",
                         RunStatus.PERMANENT_OFFLINE: "永久下线（已关停）", RunStatus.DELETED: "已删除"}

# --- the journal events the public may follow (the change feed, "since when") -----------------
# The actions a public event can come from; the partial journal index of this app's migration
# (verify_journal_public_events) carries exactly this list: keep the two the same.
PUBLIC_ACTIONS = ("approve_add", "approve_close", "approve_restore", "delete",
                  "approve", "approve_offline", "complete_offline", "emergency_offline", "restore_site")
UNREGISTERED_LABELS = ("", "未提交", "添加待审核", "添加被驳回")
ACCOUNT_EVENTS = Q(subject_type="media_account") & (
    Q(action="approve_add", status_after=Status.NORMAL.label) | Q(action__in=("approve_close", "approve_restore"))
    | (Q(action="delete") & ~Q(status_before__in=UNREGISTERED_LABELS)))
WEBSITE_EVENTS = Q(subject_type="website") & (
    Q(action="approve", status_after="已办结") | Q(action="approve_offline", status_after="无")
    | Q(action__in=("complete_offline", "emergency_offline", "restore_site")))
EVENTS = Q(action__in=PUBLIC_ACTIONS) & (ACCOUNT_EVENTS | WEBSITE_EVENTS)
EVENT_LABELS = {"registered": "登记", "closed": "关停", "offline": "下线", "restored": "恢复", "deleted": "删除"}


def event_of(entry) -> str:
    """The public event a journal row (one matched by EVENTS) records."""
    return {"approve_add": "registered", "approve": "registered", "approve_close": "closed",
            "complete_offline": "closed", "approve_offline": "offline", "emergency_offline": "offline",
            "approve_restore": "restored", "restore_site": "restored", "delete": "deleted"}[entry.action]


def _latest_event(subject_type: str, events: Q):
    """The time of the subject's latest public event (served by the journal_subject index)."""
    return Subquery(JournalEntry.objects.filter(events, subject_type=subject_type, subject_id=OuterRef("pk"))
                    .order_by("-at", "-id").values("at")[:1], output_field=DateTimeField())


# --- querysets ----------------------------------------------------------------------------
ACCOUNT_FIELDS = ("id", "media_code", "name", "account_type", "wechat_kind", "platform_name", "platform_id",
                  "org_path", "status", "removed_at", "removal", "created_at", "updated_at", "url", "filer_unit__name",
                  "filer_unit__updated_at", "succession__successor__name", "succession__successor__media_code",
                  "succession__successor__status", "succession__successor__removed_at")
WEBSITE_FIELDS = ("id", "site_code", "name", "homepage", "homepage_key", "other_domains", "sponsor", "org_path",
                  "run_status", "final_approved_at", "created_at", "updated_at")


def registered_accounts() -> QuerySet:
    """Accounts that were ever registered (they carry a 新媒体标识码), with only the public columns."""
    return (MediaAccount.objects.filter(media_code__isnull=False)
            .annotate(since=Coalesce(_latest_event("media_account", ACCOUNT_EVENTS), F("created_at")))
            .select_related("filer_unit", "succession__successor").only(*ACCOUNT_FIELDS))


def with_control(qs: QuerySet) -> QuerySet:
    """The rows with their 控制权验证 state in the same query (the public answers' ≤ 2 queries)."""
    return with_public_state(qs, "website" if qs.model is Website else "media_account")


def registered_websites() -> QuerySet:
    return (Website.objects.filter(site_code__isnull=False)
            .annotate(since=Coalesce(_latest_event("website", WEBSITE_EVENTS), F("final_approved_at"), F("created_at")))
            .only(*WEBSITE_FIELDS))


def normal_accounts_q() -> Q:
    return Q(media_code__isnull=False, removed_at__isnull=True) & ~Q(status__in=CLOSED_STATUSES)


def normal_websites_q() -> Q:
    return Q(site_code__isnull=False, run_status=RunStatus.NORMAL)


# --- records ------------------------------------------------------------------------------
def account_status(account) -> str:
    if account.removed_at is not None:
        return PUBLIC_DELETED
    return PUBLIC_CLOSED if account.status in CLOSED_STATUSES else PUBLIC_NORMAL


def account_answer(account) -> str:
    return {PUBLIC_NORMAL: REGISTERED, PUBLIC_CLOSED: CLOSED, PUBLIC_DELETED: NOT_REGISTERED}[account_status(account)]


def website_answer(site) -> str:
    if site.run_status == RunStatus.DELETED:
        return NOT_REGISTERED
    return CLOSED if site.run_status == RunStatus.PERMANENT_OFFLINE else REGISTERED


def _day(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def org_names_for(paths) -> dict[str, str]:
    """Names of every 省/部 · 市/省局 · 区县 along the given paths, one query."""
    return names_by_code(code for path in paths for code in cascade_codes(path))


def org_chain(path: str, names: dict[str, str]) -> list[str]:
    return [names[code] for code in cascade_codes(path) if code and code in names]


def _changed(*moments):
    """The record's last change: the latest of its row's, its holder's and its public event's time
    (the API's Last-Modified; a rename moves it, unlike the status date)."""
    return max((m for m in moments if m is not None), default=None)


def public(record: dict) -> dict:
    """The record without its internal keys (`_changed`): what open data and feeds write."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def successor_of(account) -> dict | None:
    """继任账号 of a closed account, when it names one that is registered (and not deleted)."""
    try:
        successor = account.succession.successor
    except ObjectDoesNotExist:
        return None
    if successor is None or not successor.media_code or successor.removed_at is not None:
        return None
    return {"name": successor.name, "media_code": successor.media_code, "page": f"/verify/{successor.media_code}/"}


def answer_text(record: dict, answer: str) -> str:
    """The plain answer; a closed account with a successor says whom to follow (已关停，请关注 X)."""
    text = ACCOUNT_ANSWERS[answer] if record is None or record.get("kind") == "account" else WEBSITE_ANSWERS[answer]
    successor = (record or {}).get("successor")
    if answer == CLOSED and successor:
        return f"已关停，请关注“{successor['name']}”"
    return text


def account_record(account, names: dict[str, str]) -> dict:
    status = account_status(account)
    since = getattr(account, "since", None)
    return {
        "kind": "account",
        "media_code": account.media_code,
        "name": account.name,
        "type": display_type(account.account_type, account.wechat_kind or None, account.platform_name),
        "type_code": account.account_type,
        "platform_id": account.platform_id,
        "url": account.url,
        "holder": account.filer_unit.name,
        "org_chain": org_chain(account.org_path, names),
        "status": status,
        "status_label": ACCOUNT_STATUS_LABELS[status],
        "since": _day(since or account.created_at),
        "page": f"/verify/{account.media_code}/",
        "successor": successor_of(account) if status == PUBLIC_CLOSED else None,
        "_changed": _changed(account.updated_at, account.filer_unit.updated_at, since),
    }


def website_record(site, names: dict[str, str]) -> dict:
    since = getattr(site, "since", None)
    return {
        "kind": "website",
        "site_code": site.site_code,
        "name": site.name,
        "homepage": site.homepage,
        "holder": site.sponsor,
        "org_chain": org_chain(site.org_path, names),
        "status": site.run_status,
        "status_label": WEBSITE_STATUS_LABELS.get(site.run_status, site.run_status),
        "since": _day(since or site.final_approved_at or site.created_at),
        "page": f"/verify/{site.site_code}/",
        "_changed": _changed(site.updated_at, since),
    }


def account_records(accounts) -> list[dict]:
    accounts = list(accounts)
    names = org_names_for(a.org_path for a in accounts)
    return _with_control("media_account", accounts, [account_record(a, names) for a in accounts])


def website_records(sites) -> list[dict]:
    sites = list(sites)
    names = org_names_for(s.org_path for s in sites)
    return _with_control("website", sites, [website_record(s, names) for s in sites])


def _with_control(subject_type: str, objs: list, records: list[dict]) -> list[dict]:
    """已验证控制权 (issue 28) on the answers and the API (one query; the open-data files keep their fields)."""
    annotated = all(hasattr(o, "control_state") for o in objs)  # with_control(): read in the rows' own query
    states = states_of(objs) if annotated else public_states(subject_type, [o.pk for o in objs])
    for obj, record in zip(objs, records):
        state = states.get(obj.pk) or {"label": "未验证", "verified": False, "method": "", "verified_on": None}
        record.update(control_verified=state["verified"], control_status=state["label"], control_method=state["method"],
                      control_verified_on=state["verified_on"].isoformat() if state["verified_on"] else None)
    return records


def answer_of_record(record: dict) -> str:
    """The plain answer for a record already built (account or website)."""
    if record["kind"] == "account":
        return {PUBLIC_NORMAL: REGISTERED, PUBLIC_CLOSED: CLOSED, PUBLIC_DELETED: NOT_REGISTERED}[record["status"]]
    if record["status"] == RunStatus.DELETED:
        return NOT_REGISTERED
    return CLOSED if record["status"] == RunStatus.PERMANENT_OFFLINE else REGISTERED
