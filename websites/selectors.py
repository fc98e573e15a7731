from accounts.models import User
from orgtree.selectors import scope_q

from .models import Website


def websites_visible_to(user: User):
    """Org units: the sites of their subtree; a site operator: its own site; nobody else any."""
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return Website.objects.filter(scope_q(user.org_unit, "org_path"))
    if user.kind == User.Kind.SITE:
        return Website.objects.filter(operator_user=user)
    return Website.objects.none()
