from accounts.models import User
from accounts.roles import Role

from .models import Notice, SpotCheckReport


def reports_visible_to(user: User):
    """GB reads every L1 unit's reports; an L1 unit its own; nobody else any."""
    if user.role == Role.GB:
        return SpotCheckReport.objects.select_related("org_unit")
    if user.role == Role.L1:
        return SpotCheckReport.objects.filter(org_unit_id=user.org_unit_id).select_related("org_unit")
    return SpotCheckReport.objects.none()


def notices_visible_to(user: User):
    if user.role == Role.GB:
        return Notice.objects.all()
    if user.role == Role.L1:
        return Notice.objects.filter(status=Notice.Status.SENT, receipts__org_unit_id=user.org_unit_id).distinct()
    return Notice.objects.none()
