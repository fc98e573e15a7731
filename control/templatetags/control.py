"""`{% control_panel obj %}`: the proof of control on an account's or website's 查看 page (0058)."""
from django import template

from ..checks import META_NAME, WELL_KNOWN_FILE
from ..dns import RECORD_PREFIX
from ..models import MEDIA, Proof, State
from ..services import code, current_proof, subject_type_of
from ..workflow import WORKFLOW, owner
from ..models import PortalItem, PortalRead
from ..portal import LIST_PATH
from ..selectors import public_state

register = template.Library()


@register.inclusion_tag("control/_panel.html", takes_context=True)
def control_panel(context, obj):
    request = context["request"]
    user = request.user
    proof = current_proof(obj)   # a GET writes nothing: no proof yet → 未验证, a button issues the code
    kind = subject_type_of(obj)
    if proof is None:
        is_owner = owner(user, Proof(subject_type=kind, subject_id=obj.pk))
        return {"proof": None, "subject_type": kind, "subject_id": obj.pk, "is_owner": is_owner,
                "state_label": State.UNVERIFIED.label, "may_issue": is_owner or bool(user.org_unit_id),
                "request": request, "csrf_token": context.get("csrf_token"), "next": request.get_full_path()}
    is_owner = owner(user, proof)
    return {
        "proof": proof, "code": code(proof) if is_owner or user.org_unit_id else "", "is_owner": is_owner,
        "is_media": subject_type_of(obj) == MEDIA, "verified": proof.state == State.VERIFIED,
        "may_check": (is_owner or bool(user.org_unit_id)) and proof.state != State.MANUAL,
        "may_submit": WORKFLOW.can(proof, user, "attest_submit") and proof.state in (State.MANUAL, State.EXPIRED),
        "may_review": WORKFLOW.can(proof, user, "attest_approve"),
        "meta_name": META_NAME, "well_known": WELL_KNOWN_FILE, "dns_prefix": RECORD_PREFIX,
        "request": request, "csrf_token": context.get("csrf_token"), "next": request.get_full_path(),
    }


@register.simple_tag
def control_state(obj) -> str:
    return public_state(obj)["label"]


@register.inclusion_tag("control/_portal_panel.html")
def portal_panel(site, limit=20):
    """The site's own account list, as last read, and its open disagreements."""
    read = PortalRead.objects.filter(website=site).first()
    items = PortalItem.objects.filter(website=site, closed_at__isnull=True).order_by("kind", "id")
    return {"read": read, "items": list(items[:limit]), "more": max(0, items.count() - limit), "path": LIST_PATH}
