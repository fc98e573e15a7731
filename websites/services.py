"""The website rules: public application, review, the 16:00 site-code job, the offline dates, tracking."""
import logging
import re
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import crypto
from reviews.engine import NEW, SYSTEM, StateConflict, TransitionError

from .codes import SITE_CODE_WORKFLOW, TRACKING_ALPHABET
from .models import Filing, Website
from .rules import (  # noqa: F401  (re-exported: the forms, verify and the tests read them here)
    claimed_by_a_change, domains_refusal, duplicate_of, identity_refusal, normalise_homepage)
from .workflow import WORKFLOW  # noqa: F401  (views ask it which actions are allowed)
from accounts.services import issue_one_time_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from reviews import journal
from reviews.engine import NotAllowed
from reviews.models import JournalEntry
from .models import Offline, RunStatus
from .offline import OFFLINE_WORKFLOW, RUN_WORKFLOW
from .selectors import websites_visible_to
from .workflow import org_above

log = logging.getLogger(__name__)
CODE_HOUR = 16  # the job gives codes to what was finally approved before 16:00


def sponsor_has_site(sponsor: str) -> bool:
    """The sponsoring unit (主办单位) already runs a registered site (一个单位最多开设一个网站)."""
    return Website.objects.filter(sponsor=(sponsor or "").strip(), final_approved_at__isnull=False).exclude(
        filing=Filing.REJECTED).exclude(run_status__in=[RunStatus.PERMANENT_OFFLINE, RunStatus.DELETED]).exists()


MAX_OTHER_DOMAINS = 20


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """维护其他域名: one domain (or http(s) address) a line; duplicates dropped. (domains, errors)"""
    check = URLValidator(schemes=["http", "https"])
    domains, errors, seen = [], [], set()
    for line in (text or "").replace("；", "\n").replace(";", "\n").splitlines():
        domain = line.strip()
        if not domain:
            continue
        try:
            check(domain if "://" in domain else "http://" + domain)
            if len(domain) > 300:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(f"“{domain}”不是正确的域名或网址（只能是域名或 http:// / https:// 开头的网址）")
            continue
        key = normalise_homepage(domain)
        if key not in seen:
            seen.add(key)
            domains.append(domain)
    if len(domains) > MAX_OTHER_DOMAINS:
        errors.append(f"其他域名最多 {MAX_OTHER_DOMAINS} 个。")
    return domains, errors


def apply(data: dict, anonymous_user) -> Website:
    """新增网站 (public, no login): lands at the named org unit as 未提交, with a 临时码."""
    site = Website(filing=NEW, tracking_code=_tracking_code(), homepage_key=normalise_homepage(data["homepage"]))
    try:
        return WORKFLOW.apply(site, "apply", anonymous_user, data)
    except IntegrityError:
        raise TransitionError("网站名称或首页网址与已有网站重复，或该组织单位已有本级政府门户。")


def _tracking_code() -> str:
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
        if not Website.objects.filter(tracking_code=code).exists():
            return code


def perform(site: Website, action: str, user, data: dict | None = None, expected_version=None) -> Website:
    try:
        return WORKFLOW.apply(site, action, user, data or {}, expected_version=expected_version)
    except IntegrityError:  # two changes approved at once for one name or homepage: the second loses
        raise StateConflict("与已有网站冲突（网站名称、首页网址或本级政府门户已被其他网站使用），请刷新后查看最新状态。")


def perform_many(sites, action: str, user, data: dict | None = None) -> tuple[int, list[str]]:
    """当页数据全部提交 / 当页数据全部审核: each through the same transition, each journaled."""
    done, refused = 0, []
    for site in sites:
        try:
            perform(site, action, user, data)
            done += 1
        except TransitionError as exc:
            refused.append(f"{site.name}：{exc.message}")
    return done, refused


# 当页数据全部提交 / 当页数据全部审核 (manual 四 1.1.2, 1.1.3): new sites only — a 办结后修改 is
# approved one site at a time after 查看 (1.1.6) — and only the rows of the page on screen.
PAGE_ACTIONS = {"submit": ({Filing.DRAFT}, "submit", {}),
                "approve": ({Filing.REVIEWING, Filing.REVIEWED}, "approve", {"result_label": "审核通过"})}


def _waiting_here(user, ids):
    return websites_visible_to(user).filter(reviewer_id=user.org_unit_id, pk__in=ids)


def page_actionable_rows(user, sites) -> dict:
    """What the two page buttons would act on among the rows of the page on screen (already read
    for the page, so no query: they are the user's visible ones, and "waiting here" is the
    reviewer test of act_on_page's `_waiting_here`)."""
    here = getattr(user, "org_unit_id", None)
    rows = [(s.pk, s.filing) for s in sites if here is not None and s.reviewer_id == here]
    by_action = {action: [pk for pk, filing in rows if filing in filings] for action, (filings, _, _) in PAGE_ACTIONS.items()}
    return {"submit_ids": by_action["submit"], "approve_ids": by_action["approve"],
            "changes_on_page": sum(1 for _, filing in rows if filing == Filing.MODIFYING)}


def act_on_page(user, action: str, ids: list[int]) -> tuple[int, list[str], int]:
    """Apply the page button to the posted rows still waiting here in the right state:
    (done, refusals, rows skipped because they moved on since the page was shown)."""
    filings, transition, data = PAGE_ACTIONS[action]
    sites = list(_waiting_here(user, ids).filter(filing__in=filings).order_by("pk"))
    done, refused = perform_many(sites, transition, user, data)
    return done, refused, len(set(ids)) - len(sites)


def code_cutoff(now: datetime | None = None) -> datetime:
    """The latest 16:00 (Asia/Shanghai) not after `now`: approvals before it get codes."""
    local = timezone.localtime(now or timezone.now())
    today_cut = local.replace(hour=CODE_HOUR, minute=0, second=0, microsecond=0)
    return today_cut if local >= today_cut else today_cut - timedelta(days=1)


def code_due_text(site: Website, now: datetime | None = None) -> str:
    """审核通过，网站标识码还未生成，将于今天生成 / 明天生成."""
    approved = timezone.localtime(site.final_approved_at)
    same_day_cut = approved.replace(hour=CODE_HOUR, minute=0, second=0, microsecond=0)
    due = same_day_cut if approved < same_day_cut else same_day_cut + timedelta(days=1)
    today = timezone.localtime(now or timezone.now()).date()
    return "今天" if due.date() <= today else "明天"


def generate_site_codes(now: datetime | None = None) -> int:
    """The 16:00 job: the code transition (websites/codes.py) for every site approved before the
    cut-off. The engine locks each site and checks it again, so running twice, or in two
    processes at once, gives one code."""
    count = 0
    candidates = list(Website.objects.filter(filing=Filing.DONE, site_code__isnull=True,
                                             final_approved_at__lt=code_cutoff(now)).values_list("pk", flat=True))
    for site in Website.objects.filter(pk__in=candidates).select_related("org_unit").order_by("pk"):
        try:
            SITE_CODE_WORKFLOW.apply(site, "site_code_issue", SYSTEM)
        except StateConflict:
            continue  # another run gave it its code meanwhile
        count += 1
    return count


def progress(tracking_code: str, now: datetime | None = None) -> dict | None:
    """查询进度: what the public may learn with a tracking code, nothing else."""
    code = re.sub(r"[^A-Za-z0-9]", "", tracking_code or "").upper()
    if not code:
        return None
    with transaction.atomic():
        site = Website.objects.select_for_update().filter(tracking_code=code).first()
        if site is None:
            return None
        answer = {"name": site.name}
        if site.filing == Filing.REJECTED:
            answer["text"] = "审核未通过"
            answer["reason"] = site.last_review.get("reason", "")
        elif site.filing != Filing.DONE:
            answer["text"] = "审核中"
        elif not site.site_code:
            answer["text"] = f"审核通过，网站标识码还未生成，将于{code_due_text(site, now)}生成"
        else:
            answer["text"] = "审核通过"
            answer["site_code"] = site.site_code
            revealed = crypto.reveal(site.verification_encrypted)
            if revealed.key_changed:  # kept as it is: readable again once the right key is back
                answer["verification_error"] = crypto.key_changed_message("校验码", "请联系上级组织单位或系统管理员")
            elif site.verification_encrypted:  # shown once, then wiped
                answer["verification"] = revealed.plain
                site.verification_encrypted = ""
                site.verification_shown_at = timezone.now()
                site.save(update_fields=["verification_encrypted", "verification_shown_at"])
            else:
                answer["verification_shown_at"] = site.verification_shown_at
        return answer




# --- 校验码 --------------------------------------------------------------------------------------

def reset_verification(site: Website, user) -> str:
    """重置校验码 by an org unit above the site (GB included): a new one-time 校验码 for the
    operator's login, returned to be shown once to that org unit and never stored readable; the
    old code and the operator's sessions stop working at once, and the operator sets a password
    of its own at its next login (as 重置密码 of filer and org units). Journaled on the site."""
    if not org_above(user, site):
        raise NotAllowed("您没有权限进行该操作。")
    with transaction.atomic():
        site = Website.objects.select_for_update().get(pk=site.pk)
        if site.operator_user_id is None:
            raise StateConflict("该网站尚未生成网站标识码和校验码，无需重置。")
        _, code = issue_one_time_password(site.operator_user_id)
        site.verification_encrypted = ""  # a first code never fetched must not be revealed by the 临时码 any more
        site.verification_shown_at = site.verification_shown_at or timezone.now()
        site.save(update_fields=["verification_encrypted", "verification_shown_at", "updated_at"])
        journal.record(site, "site_verification_reset", user, scope_path=site.org_path,
                       changes=[{"field": "verification", "label": "校验码", "old": "原校验码（已失效）",
                                 "new": "新校验码（已向组织单位显示一次）"}])
    return code


def last_offline_rejection(site: Website):
    """The 驳回下线 entry when it is the latest word on the site's offline requests (the operator
    and the reviewers see its reason until a new request), else None."""
    if site.offline_state != Offline.NONE:
        return None
    latest = (JournalEntry.objects.filter(subject_type="website", subject_id=site.pk,
                                          action__in=["request_offline", "approve_offline", "reject_offline"])
              .order_by("-at", "-id").first())
    return latest if latest is not None and latest.action == "reject_offline" else None


# --- 下线 and 运行状态 ---------------------------------------------------------------------------

def offline_action(site: Website, action: str, user, data: dict | None = None, expected_version=None):
    """下线审核 (同意/驳回), 紧急下线, 恢复正常: the transition of whichever table holds it. A final
    approval of a temporary offline whose 下线日期 has come starts it at once (as the job would)."""
    workflow = OFFLINE_WORKFLOW if action in OFFLINE_WORKFLOW.by_name else RUN_WORKFLOW
    with transaction.atomic():
        workflow.apply(site, action, user, data or {}, expected_version=expected_version)
        if action == "approve_offline":
            apply_due_offline_dates(timezone.localdate(), only=[site.pk])
    return workflow.get(action)


def apply_due_offline_dates(today, only: list[int] | None = None) -> dict[str, int]:
    """The daily job (docs/decisions/0016-offline-dates.md): approved temporary offlines whose
    下线日期 has come go 临时下线; temporary offlines whose 恢复开通时间 has come go back to 正常.
    Each by the system actor through RUN_WORKFLOW, so journaled and re-checked on the locked row.

    Idempotent (a site already moved no longer matches), and safe when two processes run it at
    once: each site is taken with FOR UPDATE SKIP LOCKED, so the other process skips it.
    Emergency offlines are not reopened by date: past their expected date they show as overdue
    (Website.emergency_overdue) to the org units of the chain."""
    steps = [
        ("start_temporary_offline", dict(offline_state=Offline.APPROVED, offline_kind="temporary",
                                         run_status=RunStatus.NORMAL, offline_from__lte=today)),
        ("end_temporary_offline", dict(run_status=RunStatus.TEMP_OFFLINE, offline_until__lte=today)),
    ]
    done = {}
    for action, due in steps:
        done[action] = 0
        candidates = Website.objects.filter(**due)
        if only is not None:
            candidates = candidates.filter(pk__in=only)
        for pk in list(candidates.order_by("pk").values_list("pk", flat=True)):
            with transaction.atomic():
                site = Website.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk, **due).first()
                if site is None:
                    continue  # another process holds it, or it moved on
                try:
                    RUN_WORKFLOW.apply(site, action, SYSTEM, {}, today=today)
                except TransitionError as exc:
                    log.warning("website %s: %s refused: %s", pk, action, exc.message)
                    continue
                done[action] += 1
    return done
