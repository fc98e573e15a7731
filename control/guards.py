"""The review engine's guard for CONTROL_REVIEW_UNVERIFIED=0 (0058): an add request may be approved
only once the account's current link is 已验证. With the default (review may proceed unverified)
the guard reads nothing."""
from django.conf import settings

from reviews.engine import Guard

from .models import MEDIA, Proof, State


def control_allows_review(obj, situation) -> bool:
    if getattr(settings, "CONTROL_REVIEW_UNVERIFIED", True):
        return True
    return Proof.objects.filter(subject_type=MEDIA, subject_id=obj.pk, link=obj.url, state=State.VERIFIED).exists()


VERIFIED_BEFORE_APPROVAL = Guard(control_allows_review,
                                 "该账号尚未验证控制权：请填报单位在账号简介中放置验证码并通过验证（或提交人工核验）后再审核通过。")
