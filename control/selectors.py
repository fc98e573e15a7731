"""Reads of proof of control: the object as the user may see it, the status filter of the lists,
the public status (0058)."""
from django.db.models import OuterRef, Subquery
from django.http import Http404

from .models import MEDIA, WEBSITE, Proof, State, Method
from django.utils import timezone
from .services import subject_type_of
from accounts_media.selectors import accounts_visible_to
from websites.selectors import websites_visible_to

FILTER_CHOICES = [(s.value, s.label) for s in State]


def visible_object(user, subject_type: str, pk: int):
    """The account or website `pk` within the user's scope (404 otherwise)."""
    if subject_type == MEDIA:
        qs = accounts_visible_to(user)
    elif subject_type == WEBSITE:
        qs = websites_visible_to(user)
    else:
        raise Http404
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def filter_by_state(queryset, subject_type: str, state: str):
    """A list's 控制权验证 filter, in SQL (one subquery on the proofs' (type, state) index). An
    object without a proof for its current link counts as 未验证."""
    if not state:
        return queryset
    ids = Proof.objects.filter(subject_type=subject_type)
    if state == State.UNVERIFIED:
        settled = ids.exclude(state=State.UNVERIFIED).values("subject_id")
        return queryset.exclude(pk__in=Subquery(settled))
    return queryset.filter(pk__in=Subquery(ids.filter(state=state).values("subject_id")))


def _public(state: str, method: str | None, verified_at) -> dict:
    """The public reading of a proof: its state, label and — only once verified — method and date."""
    verified = state == State.VERIFIED
    return {"state": state, "label": State(state).label, "verified": verified,
            "method": Method(method).label if verified and method else "",
            "verified_on": timezone.localtime(verified_at).date() if verified and verified_at else None}


def public_states(subject_type: str, ids) -> dict[int, dict]:
    """id → {"state", "label", "method", "verified_on"} for the public pages and the API (one query)."""
    rows = Proof.objects.filter(subject_type=subject_type, subject_id__in=list(ids))
    return {sid: _public(state, method, at) for sid, state, method, at in
            rows.values_list("subject_id", "state", "method", "verified_at")}


def with_public_state(qs, subject_type: str):
    """`qs` annotated with its proof's state, method and date (in the same query: the public
    answers stay at ≤ 2 queries); `states_of` reads them back as `public_states` gives them."""
    proof = Proof.objects.filter(subject_type=subject_type, subject_id=OuterRef("pk"))
    return qs.annotate(control_state=Subquery(proof.values("state")[:1]),
                       control_method=Subquery(proof.values("method")[:1]),
                       control_verified_at=Subquery(proof.values("verified_at")[:1]))


def states_of(objs) -> dict[int, dict]:
    """id → public state of objects annotated by `with_public_state` (no query)."""
    return {o.pk: _public(o.control_state, o.control_method, o.control_verified_at)
            for o in objs if o.control_state is not None}


def public_state(obj) -> dict:
    kind = subject_type_of(obj)
    found = public_states(kind, [obj.pk]).get(obj.pk)
    return found or {"state": State.UNVERIFIED.value, "label": State.UNVERIFIED.label, "verified": False, "method": "",
                     "verified_on": None}


__all__ = ["FILTER_CHOICES", "filter_by_state", "public_state", "public_states", "states_of", "visible_object",
           "with_public_state"]
