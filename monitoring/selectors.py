"""Reads of findings: the scope rule of monitoring, in one place.

An org unit sees the findings of every account and website in its subtree (its 待核查 of the
units below); a filer unit those of its own accounts and of the websites it sponsors (主办单位,
as the 检查结果信息表 assigns them); a website operator those of its site."""
from django.db.models import Q

from accounts.models import User
from govmedia.common import pagestate
from govmedia.ops import counters
from orgtree.models import FilerUnit
from orgtree.selectors import scope_q

from .models import Finding
from websites.models import Website
from . import conf
from .changes import GENERATION_KEY
from .models import CheckRun, Verdict

# How long a viewer's count of open findings is kept at most, even when no monitoring write moved
# the generation (an account handed to another filer unit takes its findings along: at most this late).
OPEN_COUNT_TTL = 300


def _open_count_key(user) -> str | None:
    if not getattr(user, "pk", None):
        return None
    return f"monitoring:open-count:{user.kind}:{user.org_unit_id}:{user.filer_unit_id}:" + (
        str(user.pk) if user.kind == User.Kind.SITE else "")


pagestate.register("monitoring_generation", lambda user: counters.cache_key(GENERATION_KEY))
pagestate.register("monitoring_open_count", _open_count_key)


def _filer_sites_q(filer_unit) -> Q:
    return Q(website__org_unit_id=filer_unit.org_unit_id, website__sponsor=filer_unit.name)


def findings_visible_to(user):
    qs = Finding.objects.all()
    if user.kind == User.Kind.ORG and user.org_unit_id:
        unit = user.org_unit
        if unit.is_root:
            return qs
        return qs.filter(scope_q(unit, "account__org_path") | scope_q(unit, "website__org_path"))
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return qs.filter(Q(account__filer_unit_id=user.filer_unit_id) | _filer_sites_q(user.filer_unit))
    if user.kind == User.Kind.SITE:
        return qs.filter(website__operator_user_id=user.pk)
    return qs.none()


def open_findings_of(user):
    return findings_visible_to(user).filter(closed_at__isnull=True).select_related("account", "website")


def open_findings_count(user) -> int:
    """How many open findings `user` sees, kept in the page state's one round trip until the next
    monitoring write (the generation bumped at its commit): the findings banner of a unit with
    nothing open costs no query."""
    value = pagestate.get(user, "monitoring_generation")
    current = int(value or 0) if counters.cache_key(GENERATION_KEY) else counters.get(GENERATION_KEY)
    return pagestate.with_generation(user, "monitoring_open_count", current,
                                     lambda: findings_visible_to(user).filter(closed_at__isnull=True).count(),
                                     OPEN_COUNT_TTL)


def findings_of_object(obj):
    """Every finding of one account or website, open ones first (the 查看 page)."""
    field = "website" if isinstance(obj, Website) else "account"
    return Finding.objects.filter(**{field: obj}).order_by("closed_at", "-last_seen")[:20]


def owner_of(finding: Finding) -> tuple[str, int]:
    """Whose 检查结果信息表 the finding belongs on: ("filer", id) or ("org", id). A website goes to
    the filer unit of its org unit named as its 主办单位, else to the org unit itself (the rule
    of the sheet's prefill, reports/check_services.prefill)."""
    if finding.account_id:
        return "filer", finding.account.filer_unit_id
    site = finding.website
    filer = FilerUnit.objects.filter(org_unit_id=site.org_unit_id, name=site.sponsor,
                                     status=FilerUnit.Status.ACTIVE).values_list("pk", flat=True).first()
    return ("filer", filer) if filer else ("org", site.org_unit_id)


def owners_of(findings) -> dict[int, tuple[str, int]]:
    """`owner_of` for many findings at once (their `account` and `website` loaded): finding pk →
    ("filer", id) or ("org", id), with one query for the filer units the websites name as 主办单位
    (none when no finding is a website's). A live filer unit's name is unique, so the match on
    (org unit, name) is the one `owner_of` finds."""
    sites = [f.website for f in findings if not f.account_id]
    sponsors = {}
    if sites:
        sponsors = {(org, name): pk for pk, org, name in FilerUnit.objects.filter(
            status=FilerUnit.Status.ACTIVE, org_unit_id__in={s.org_unit_id for s in sites},
            name__in={s.sponsor for s in sites}).values_list("pk", "org_unit_id", "name")}
    owners = {}
    for f in findings:
        if f.account_id:
            owners[f.pk] = ("filer", f.account.filer_unit_id)
            continue
        filer = sponsors.get((f.website.org_unit_id, f.website.sponsor))
        owners[f.pk] = ("filer", filer) if filer else ("org", f.website.org_unit_id)
    return owners


def is_owner(user, finding: Finding) -> bool:
    kind, pk = owner_of(finding)
    if kind == "filer":
        return user.kind == User.Kind.FILER and user.filer_unit_id == pk
    return user.kind == User.Kind.ORG and user.org_unit_id == pk



def monitoring_state() -> dict:
    """What 监测发现 says about monitoring itself: on or off (MONITORING_ENABLED), and the last run."""
    last = CheckRun.objects.order_by("-started_at", "-id").first()
    return {"enabled": bool(conf.get("MONITORING_ENABLED")), "last_run": last,
            "confirm_runs": max(1, int(conf.get("MONITORING_CONFIRM_RUNS")))}


def verdicts_visible_to(user):
    """检查指标监测结果 under the rule of findings: an org unit its subtree, a filer unit its accounts
    and the websites it sponsors, a website operator its site."""
    qs = Verdict.objects.all()
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return qs.filter(scope_q(user.org_unit, "org_path"))
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return qs.filter(Q(account__filer_unit_id=user.filer_unit_id) | _filer_sites_q(user.filer_unit))
    if user.kind == User.Kind.SITE:
        return qs.filter(website__operator_user_id=user.pk)
    return qs.none()
