"""The manual attestation's table on the review engine (0058): a platform that cannot be read
(无法自动验证), or a proof that expired after a manual attestation, is proved by a screenshot the
owner uploads and the own org unit reviews. Approval stamps 已验证 (人工核验, a year)."""
from django.utils import timezone

from accounts.models import User
from reviews.engine import Context, Guard, Transition, Workflow, is_system

from .models import MEDIA, WEBSITE, Attestation, Method, Proof, State
from .rules import fresh, valid_for
from reviews.journal import unit_of
from accounts_media.models import MediaAccount
from reviews.engine import StateConflict
from websites.models import Website

A = Attestation
f = frozenset


def owner(user, proof) -> bool:
    """The account's filer unit, or the website's operator."""
    if proof.subject_type == MEDIA:
        return (user.kind == User.Kind.FILER and user.filer_unit_id is not None
                and MediaAccount.objects.filter(pk=proof.subject_id, filer_unit_id=user.filer_unit_id).exists())
    if proof.subject_type == WEBSITE:
        return user.kind == User.Kind.SITE and Website.objects.filter(pk=proof.subject_id, operator_user=user).exists()
    return False


def own_org_unit(user, proof) -> bool:
    """The org unit the object is registered under (the one that reviews its requests)."""
    return (user.kind == User.Kind.ORG and user.org_unit_id is not None and bool(proof.org_path)
            and proof.org_path == user.org_unit.path)


NEEDS_MANUAL = Guard(lambda proof, now: proof.state in (State.MANUAL, State.EXPIRED, State.UNVERIFIED),
                     "该对象已验证控制权，无需人工核验。")
HAS_SCREENSHOT = Guard(lambda proof, now: bool(proof.screenshot), "请先上传截图。")


def take_screenshot(proof, ctx: Context):
    name = ctx.data.get("screenshot_name", "")
    if not name:
        raise StateConflict("请上传截图（PNG或JPG格式）。")
    ctx.changes.append({"field": "screenshot", "label": "截图", "old": proof.screenshot.name or "", "new": name})
    proof.screenshot.name, proof.attestation_note = name, ""


def approve(proof, ctx: Context):
    now = timezone.now()
    ctx.changes.append({"field": "state", "label": "控制权验证", "old": proof.get_state_display(), "new": State.VERIFIED.label})
    proof.state, proof.method, proof.verified_at = State.VERIFIED, Method.MANUAL, now
    proof.expires_at = now + valid_for()
    proof.checked_at, proof.check_note = now, "人工核验通过"
    ctx.journal_data = {"expires_at": timezone.localtime(proof.expires_at).date().isoformat()}


def reject(proof, ctx: Context):
    reason = (ctx.data.get("reason") or "").strip()
    if not reason:
        raise StateConflict("请填写驳回原因。")
    ctx.reason, proof.attestation_note = reason, reason[:300]


def issue_code(proof, ctx: Context):
    """The system issues a code for the object's current link (a new proof, or a changed link: a
    new nonce, 未验证 — control of the old link proves nothing about the new one); the engine resets
    the attestation (a screenshot of the old link proves nothing either)."""
    before = (proof.link, proof.get_state_display()) if proof.pk else ("", "")
    fresh(proof, ctx.data["subject"])
    ctx.changes += [{"field": "link", "label": "验证的链接", "old": before[0], "new": proof.link},
                    {"field": "state", "label": "控制权验证", "old": before[1], "new": proof.get_state_display()}]
    if proof.pk:
        ctx.reason = "链接已变更，生成新的验证码"


MANUAL_DUE = Guard(lambda proof, s: proof.state == State.VERIFIED and proof.method == Method.MANUAL
                   and proof.expires_at is not None and timezone.localdate(proof.expires_at) <= s.today,
                   "人工核验尚未到期。")


def expire(proof, ctx: Context):
    """A manual attestation is yearly: past its date the proof is 已过期 and a new screenshot is due."""
    ctx.changes.append({"field": "state", "label": "控制权验证", "old": proof.get_state_display(), "new": State.EXPIRED.label})
    proof.state = State.EXPIRED
    ctx.result = "人工核验已到期"


T = Transition
TRANSITIONS = [
    T("control_code_issued", "生成控制权验证码", f({A.NONE, A.PENDING, A.APPROVED, A.REJECTED}), A.NONE, is_system,
      (issue_code,)),
    T("attest_expire", "人工核验到期", f({A.APPROVED, A.NONE}), A.NONE, is_system, (expire,), guards=(MANUAL_DUE,)),
    T("attest_submit", "提交人工核验", f({A.NONE, A.REJECTED}), A.PENDING, owner, (take_screenshot,),
      guards=(NEEDS_MANUAL,)),
    T("attest_approve", "人工核验通过", f({A.PENDING}), A.APPROVED, own_org_unit, (approve,), kind="review",
      result="人工核验通过", guards=(HAS_SCREENSHOT,)),
    T("attest_reject", "人工核验驳回", f({A.PENDING}), A.REJECTED, own_org_unit, (reject,), kind="review",
      result="人工核验驳回"),
]


def _unit_of(user):
    if is_system(user):
        return "system", "系统"
    return unit_of(user)


WORKFLOW = Workflow(
    model=Proof, subject_type="control_proof", transitions=TRANSITIONS, status_labels=dict(Attestation.choices),
    unit_of=_unit_of, status_attr="attestation",
)

