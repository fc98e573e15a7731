from django import template

from accounts_media.models import REJECTED
from accounts_media.services import allowed_actions as _allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed_actions(context, account):
    """The transitions the current user may apply to `account` (from the workflow table)."""
    context["rejected_statuses"] = REJECTED
    return _allowed(account, context["request"].user)
