"""举报仿冒账号: a citizen's report (or a link looked up again and again while unregistered)
becomes one 待核查 item of the org unit whose accounts are nearest by name and type (GB when
none); that unit — or one above it — settles it as 仿冒, 非仿冒, then 已处置. Every state change
goes through the transition table below on reviews.engine (journal row in the same transaction);
the public sees the outcome in aggregate only (`public_counts`).
"""
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from accounts_media.platforms import normalise_url
from govmedia.ops import counters
from orgtree.models import OrgUnit
from reviews.engine import NEW, SYSTEM, Context, Transition, TransitionError, Workflow, is_system

from .models import ImitationReport, ImitationStatus as S
from django.contrib.auth.models import AnonymousUser
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from notifications.services import notify_org_units
from orgtree.signals import subtree_moved
from reviews.journal import unit_of
from . import records as R
from .selectors import _ids_of, _near, link_in

SUBJECT_TYPE = "imitation_report"


# --- who may act ---------------------------------------------------------------------------------
def anyone(user, obj) -> bool:
    """A citizen, signed in or not (the public form carries the 验证码 and the address limit)."""
    return True


def settling_unit(user, obj) -> bool:
    """The org unit the item was routed to, or one above it (GB sees all)."""
    if getattr(user, "kind", "") != "org" or not getattr(user, "org_unit_id", None):
        return False
    return (obj.org_path or "").startswith(user.org_unit.path)


# --- effects -------------------------------------------------------------------------------------
def count_report(obj, ctx: Context):
    obj.reports = (obj.reports or 0) + 1
    if ctx.data.get("claimed") and not obj.claimed:
        obj.claimed = ctx.data["claimed"][:100]
    if ctx.data.get("contact") and not obj.contact:
        obj.contact = ctx.data["contact"][:100]
    ctx.journal_data = {"claimed": ctx.data.get("claimed", ""), "reports": obj.reports}


def count_lookups(obj, ctx: Context):
    obj.lookups = max(obj.lookups or 0, int(ctx.data.get("lookups", 0)))
    ctx.journal_data = {"lookups": obj.lookups}


def decide(obj, ctx: Context):
    obj.note = (ctx.data.get("reason") or "")[:500]
    obj.decided_at = timezone.now()
    ctx.reason = obj.note


T = Transition
f = frozenset
TRANSITIONS = [
    T("imitation_report", "举报仿冒账号", f({NEW}), S.PENDING, anyone, (count_report,), kind="create"),
    T("imitation_surface", "多次查询未登记", f({NEW}), S.PENDING, is_system, (count_lookups,), kind="create"),
    T("imitation_again", "再次举报", f({S.PENDING}), S.PENDING, anyone, (count_report,)),
    T("imitation_lookups", "累计查询次数", f({S.PENDING}), S.PENDING, is_system, (count_lookups,)),
    T("imitation_confirm", "确认仿冒", f({S.PENDING}), S.IMITATION, settling_unit, (decide,), kind="review",
      button="btn-sm btn-danger", form="reason"),
    T("imitation_genuine", "确认非仿冒", f({S.PENDING}), S.GENUINE, settling_unit, (decide,), kind="review",
      button="btn-sm btn-outline-secondary", form="reason"),
    T("imitation_handled", "已处置", f({S.IMITATION}), S.HANDLED, settling_unit, (decide,), kind="review",
      button="btn-sm btn-primary", form="reason_required",
      confirm="确认已通知平台处置该仿冒账号（如已下架、已更名）吗？"),
]


def _unit_of(user) -> tuple[str, str]:
    if user is SYSTEM:
        return "", "系统"
    code, name = unit_of(user)
    return (code, name) if code or name else ("", "公众")


WORKFLOW = Workflow(
    model=ImitationReport, subject_type=SUBJECT_TYPE, transitions=TRANSITIONS,
    status_labels={NEW: "", **{s.value: s.label for s in S}}, unit_of=_unit_of,
    position_of=lambda obj: obj.org_unit.name if obj.org_unit_id else "",
)


# --- routing -------------------------------------------------------------------------------------
def link_key(link: str) -> tuple[str, str]:
    """(type code, the key that makes two links one item): the platform id where the link has one
    (two link forms of one account are one item), else the normalised URL."""
    text = link_in(link)
    pairs, _ = _ids_of(text)
    if pairs:
        code, platform_id = pairs[0]
        return code, f"{code}:{platform_id}"[:1100]
    return "", "url:" + normalise_url(text)[:1000]


def nearest_unit(claimed: str, type_code: str) -> OrgUnit:
    """The org unit whose registered accounts are nearest to the claimed name (same platform
    first), else the root (国务院办公厅). Two queries at most."""
    if claimed.strip():
        qs = R.registered_accounts().filter(removed_at__isnull=True)
        rows = list(_near(qs, claimed).values_list("org_path", "account_type")[:10])
        if rows:
            rows.sort(key=lambda r: r[1] != type_code)  # stable: the same platform first, by nearness
            unit = OrgUnit.objects.filter(path=rows[0][0]).first()
            if unit is not None:
                return unit
    return OrgUnit.objects.get(parent__isnull=True, level=0)


class ReportError(TransitionError):
    pass


def report(link: str, claimed: str = "", contact: str = "", user=None) -> ImitationReport:
    """A citizen's 举报: a new 待核查 item, or one more report on the open item of the same link."""
    user = user or AnonymousUser()
    type_code, key = link_key(link)
    data = {"claimed": claimed.strip(), "contact": contact.strip()}
    for _ in range(2):  # a concurrent first report of the same link: the constraint decides, then add to it
        existing = ImitationReport.objects.filter(link_key=key, status=S.PENDING).first()
        if existing is not None:
            return WORKFLOW.apply(existing, "imitation_again", user, data)
        unit = nearest_unit(claimed, type_code)
        item = ImitationReport(link=link[:1000], link_key=key, account_type=type_code, org_unit=unit,
                               org_path=unit.path, source=ImitationReport.Source.REPORT)
        try:
            with transaction.atomic():
                item = WORKFLOW.apply(item, "imitation_report", user, data)
        except IntegrityError:
            continue
        _tell_unit(item)
        return item
    raise ReportError("举报未能提交，请稍后再试。")


def lookup_unknown(link: str) -> int:
    """An unregistered link was looked up: count it (the shared counter, no query); every
    VERIFY_LOOKUP_QUEUE_AFTER-th look-up puts it in (or updates) the 待核查 queue. Returns the count."""
    _, key = link_key(link)
    every = settings.VERIFY_LOOKUP_QUEUE_AFTER
    seen = counters.incr(f"verify:unknown:{key}", settings.VERIFY_LOOKUP_WINDOW_DAYS * 86400)
    if seen % every:
        return seen
    existing = ImitationReport.objects.filter(link_key=key, status=S.PENDING).first()
    try:
        if existing is not None:
            WORKFLOW.apply(existing, "imitation_lookups", SYSTEM, {"lookups": seen})
        else:
            type_code = key.split(":", 1)[0] if not key.startswith("url:") else ""
            unit = nearest_unit("", type_code)
            item = ImitationReport(link=link[:1000], link_key=key, account_type=type_code, org_unit=unit,
                                   org_path=unit.path, source=ImitationReport.Source.LOOKUPS)
            with transaction.atomic():
                item = WORKFLOW.apply(item, "imitation_surface", SYSTEM, {"lookups": seen})
            _tell_unit(item)
    except (IntegrityError, TransitionError):
        pass  # a concurrent report made the item meanwhile: the next threshold counts into it
    return seen


def _tell_unit(item: ImitationReport) -> None:
    what = item.claimed or item.link[:60]
    notify_org_units([item.org_unit_id], "imitation", f"举报仿冒账号待核查：{what}",
                     f"{item.get_source_display()}：{item.link[:200]}", reverse("imitation:detail", args=[item.pk]))


def settle(item: ImitationReport, action: str, user, reason: str = "", expected_version: int | None = None):
    return WORKFLOW.apply(item, action, user, {"reason": reason}, expected_version=expected_version)


def public_counts() -> dict:
    """The public aggregate: items per state, and the reports they hold (one grouped query)."""
    rows = ImitationReport.objects.values("status").annotate(items=Count("id")).order_by()
    counts = {s.value: 0 for s in S}
    for row in rows:
        counts[row["status"]] = row["items"]
    return {"by_status": [{"status": s.value, "label": s.label, "count": counts[s.value]} for s in S],
            "total": sum(counts.values())}


def _move_paths(sender, old_prefix, new_prefix, **kwargs):
    """挂接关系: a moved subtree takes its 举报 items along (decision 0014), so the new chain above
    settles them and the old one no longer sees them."""
    ImitationReport.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", len(old_prefix) + 1)))


def connect_signals() -> None:
    subtree_moved.connect(_move_paths, dispatch_uid="verify_imitation_move_paths")
