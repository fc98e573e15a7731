"""Proof of control: issuing the code, checking it, expiry, the daily job (0058).

Every state change is journaled (`reviews.journal.record`, the subject's own 流水: the account's or
the website's); the manual attestation moves only through control/workflow.py.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govmedia.fetch import conf as fetch_conf
from reviews import journal

from . import checks
from .codes import code_of
from .dns import make_resolver
from .models import WEBSITE, Method, Proof, State
from .rules import (  # noqa: F401  (re-exported: the signals, selectors and template tags read them here)
    first_state, fresh, link_of, review_may_proceed_unverified, subject_type_of, valid_for)
from accounts_media.models import MediaAccount
from django.db.models import Q
from govmedia.fetch.fetchers import make_fetcher
from reviews.engine import AlreadyHandled, SYSTEM, TransitionError
from .workflow import WORKFLOW
from websites.models import Website

RECHECK_NEW_DAYS = 30      # a fresh code is looked for daily this long, then only on request
RENEW_AHEAD_DAYS = 30      # a verified proof is re-checked this long before it expires


def subject_of(proof: Proof):
    if proof.subject_type == WEBSITE:
        return Website.objects.get(pk=proof.subject_id)

    return MediaAccount.objects.select_related("filer_unit").get(pk=proof.subject_id)


def proof_for(obj, user=None) -> Proof:
    """The object's proof for its current link: created (a code issued) or, when the link changed,
    reset (a new code) — by the system, through the table's control_code_issued (journaled on the
    proof's own 流水; the object's 流水 keeps to its filing and its verifications).
    Writes: call it on POST, in a job or on save, never to render a page (`current_proof`)."""
    for _attempt in range(2):
        proof = current_proof(obj)
        if proof is not None:
            return proof
        proof = Proof.objects.filter(subject_type=subject_type_of(obj), subject_id=obj.pk).first() or Proof()
        try:
            with transaction.atomic():
                return WORKFLOW.apply(proof, "control_code_issued", _system(), {"subject": obj},
                                      expected_version=proof.version if proof.pk else None)
        except (IntegrityError, AlreadyHandled):   # created or reset meanwhile by another request
            continue
    return current_proof(obj)


def current_proof(obj) -> Proof | None:
    """The object's proof if it holds for its current link, else None (reads only)."""
    proof = Proof.objects.filter(subject_type=subject_type_of(obj), subject_id=obj.pk).first()
    return proof if proof is not None and proof.link == link_of(obj) else None


def _system():
    return SYSTEM


def code(proof: Proof) -> str:
    return code_of(proof)


def _stamp(proof: Proof, obj, outcome: checks.Outcome, now, user) -> None:
    """Apply a check's outcome; journal a change of state."""
    before = proof.get_state_display()
    proof.checked_at, proof.check_note = now, outcome.note[:300]
    action = ""
    if outcome.found:
        action = "control_reverified" if proof.state == State.VERIFIED or proof.verified_at else "control_verified"
        proof.state, proof.method, proof.verified_at = State.VERIFIED, outcome.method, now
        proof.expires_at = now + valid_for()
    elif proof.state == State.VERIFIED and proof.expires_at and proof.expires_at <= now:
        action, proof.state = "control_expired", State.EXPIRED
    proof.version += 1
    proof.save()
    if action:
        journal.record(obj, action, user or _system(), status=(before, proof.get_state_display()),
                       after={"method": proof.get_method_display(), "expires_at": timezone.localtime(proof.expires_at).date()
                              if proof.expires_at else None},
                       reason=outcome.note, scope_path=proof.org_path)


def verify(proof: Proof, *, fetcher=None, resolver=None, now=None, user=None) -> checks.Outcome:
    """Look for the code now (a job or the scheduled run calls this): 已验证 with date and method when
    found; an expired verification whose code is gone becomes 已过期."""
    now = now or timezone.now()
    obj = subject_of(proof)
    if proof.link != link_of(obj):
        proof = proof_for(obj)
    own = fetcher is None
    fetcher = fetcher or make_fetcher(2)
    try:
        if proof.subject_type == WEBSITE:
            outcome = checks.check_website(obj, code_of(proof), fetcher, resolver or make_resolver())
        elif not checks.readable(obj.account_type):
            outcome = checks.Outcome(None, note="该平台无法自动读取，请上传截图人工核验")
        else:
            outcome = checks.check_account(obj, code_of(proof), fetcher)
    finally:
        if own:
            fetcher.close()
    with transaction.atomic():
        proof = Proof.objects.select_for_update().get(pk=proof.pk)
        _stamp(proof, obj, outcome, now, user)
    return outcome


def expire_manual(now) -> int:
    """Manual attestations are yearly too: past their date → 已过期, a new screenshot is due (the
    table's attest_expire, by the system; also on the object's own 流水 as control_expired)."""
    today, count = timezone.localdate(now), 0
    due = Proof.objects.filter(state=State.VERIFIED, method=Method.MANUAL, expires_at__lte=now).order_by("id")
    for proof in due.iterator(chunk_size=500):
        try:
            with transaction.atomic():
                done = WORKFLOW.apply(proof, "attest_expire", _system(), today=today, expected_version=proof.version)
                journal.record(None, "control_expired", _system(), subject_type=done.subject_type,
                               subject_id=done.subject_id, subject_label=done.subject_label,
                               status=(State.VERIFIED.label, done.get_state_display()), scope_path=done.org_path)
        except TransitionError:   # moved meanwhile (a new screenshot approved, a changed link)
            continue
        count += 1
    return count


def run_checks(now=None, limit: int | None = None) -> str:
    """Scheduled daily (jobs/schedule.py): fresh codes (the last RECHECK_NEW_DAYS days) and expired
    ones are looked for; verified proofs expiring within RENEW_AHEAD_DAYS are re-checked (renewed
    when the code is still in place, 已过期 at their date when not); manual ones expire."""
    now = now or timezone.now()
    if not fetch_conf.get("MONITORING_ENABLED"):
        return "自动监测已关闭：未检查控制权验证码"
    limit = limit or int(getattr(settings, "CONTROL_CHECKS_PER_RUN", 5000))
    expired = expire_manual(now)
    due = (Proof.objects.exclude(method=Method.MANUAL)
           .filter(_due(now)).order_by("expires_at", "id")[:limit])
    fetcher, resolver = make_fetcher(4), make_resolver()
    found = checked = 0
    try:
        for proof in due:
            outcome = verify(proof, fetcher=fetcher, resolver=resolver, now=now)
            checked += 1
            found += bool(outcome.found)
    finally:
        fetcher.close()
    return f"控制权验证：检查 {checked} 个，已验证 {found} 个，人工核验到期 {expired} 个"


def _due(now):
    return (Q(state=State.UNVERIFIED, created_at__gte=now - timedelta(days=RECHECK_NEW_DAYS))
            | Q(state=State.EXPIRED)
            | Q(state=State.VERIFIED, expires_at__lte=now + timedelta(days=RENEW_AHEAD_DAYS)))


def state_of(obj) -> tuple[str, str]:
    """(state, label) of an object for the pages and the API, without creating a proof."""
    proof = Proof.objects.filter(subject_type=subject_type_of(obj), subject_id=obj.pk).first()
    if proof is None or proof.link != link_of(obj):
        state = first_state(obj)
    else:
        state = proof.state
    return state, State(state).label
