"""The rules of a proof the manual attestation's table (control/workflow.py) and the services share:
how long a proof is valid, which link it proves, its first state and a fresh code (0058)."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from . import checks
from .codes import new_nonce
from .models import MEDIA, WEBSITE, Proof, State


def valid_for() -> timedelta:
    return timedelta(days=int(getattr(settings, "CONTROL_VALID_DAYS", 365)))


def review_may_proceed_unverified() -> bool:
    return bool(getattr(settings, "CONTROL_REVIEW_UNVERIFIED", True))


def subject_type_of(obj) -> str:
    return WEBSITE if obj._meta.label_lower == "websites.website" else MEDIA


def link_of(obj) -> str:
    return obj.homepage if subject_type_of(obj) == WEBSITE else obj.url


def first_state(obj) -> str:
    if subject_type_of(obj) == MEDIA and not checks.readable(obj.account_type):
        return State.MANUAL
    return State.UNVERIFIED


def fresh(proof: Proof, obj) -> None:
    """A code for the object's current link (the effect of the table's control_code_issued, which
    also resets the manual attestation)."""
    proof.subject_type, proof.subject_id = subject_type_of(obj), obj.pk
    proof.link, proof.nonce = link_of(obj), new_nonce()
    proof.state, proof.method = first_state(obj), ""
    proof.verified_at = proof.expires_at = proof.checked_at = None
    proof.check_note, proof.attestation_note = "", ""
    proof.subject_label, proof.org_path = str(obj)[:200], obj.org_path or ""
    proof.created_at = timezone.now()   # the code's issue time (a reset is a new code)
