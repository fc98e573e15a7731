"""Password rules of 等保 level 3 (decision record 0054): no reuse of the last PASSWORD_HISTORY
passwords, and a change every PASSWORD_MAX_AGE_DAYS days for org units and ops staff (0 = off).

The history is kept by Django's own hook: every `set_password()` + `save()` calls
`password_changed()` of each validator, which stores the new hash here (and keeps only the last N).
"""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from .models import PasswordHistory

EXPIRING_KINDS = {"org", "ops"}


def history_size() -> int:
    return int(getattr(settings, "PASSWORD_HISTORY", 5))


def max_age_days() -> int:
    return int(getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0))


class NotRecentlyUsedValidator:
    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or not history_size():
            return
        hashes = PasswordHistory.objects.filter(user_id=user.pk).order_by("-changed_at", "-id").values_list(
            "password", flat=True)[:history_size()]
        if any(check_password(password, hashed) for hashed in hashes):
            raise ValidationError(f"新密码不能与最近 {history_size()} 次使用过的密码相同。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or not history_size():
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        keep = PasswordHistory.objects.filter(user_id=user.pk).order_by("-changed_at", "-id").values_list("pk", flat=True)[:history_size()]
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        text = f"不能与最近 {history_size()} 次使用过的密码相同。"
        if max_age_days():
            text += f"组织单位和运维人员的密码每 {max_age_days()} 天须修改一次。"
        return text


def last_changed(user):
    latest = PasswordHistory.objects.filter(user_id=user.pk).order_by("-changed_at").values_list("changed_at", flat=True).first()
    return max(filter(None, [latest, user.password_changed_at, user.date_joined]))


def expires_at(user):
    """When the user's password must be changed, or None (no expiry for this kind, or 0 = off)."""
    days = max_age_days()
    if not days or user.kind not in EXPIRING_KINDS:
        return None
    return last_changed(user) + timedelta(days=days)


def expired(user, now=None) -> bool:
    at = expires_at(user)
    return at is not None and (now or timezone.now()) >= at
