"""Writes about users: each function is one business action."""
from django.db import transaction
from django.utils import timezone

from reviews import journal

from .models import User


def scope_path_of(user: User) -> str:
    """The org path under which a user's journal entries are scoped (its org unit, or its filer
    unit's org unit)."""
    if user.kind == User.Kind.ORG and user.org_unit_id:
        return user.org_unit.path
    if user.kind == User.Kind.FILER and user.filer_unit_id:
        return user.filer_unit.org_unit.path
    site = getattr(user, "website", None) if user.kind == User.Kind.SITE else None
    return site.org_path if site else ""


@transaction.atomic
def change_password(user: User, new_password: str, *, action: str = "password_change") -> None:
    """Set a new password chosen by the user (`action`: password_change from 用户设置,
    password_forgot from 忘记密码). Every session of the user ends with it (Django's session
    hash follows the password hash), the current one included."""
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.initial_password_encrypted = ""  # 密码保护机制: supervisors now see 已修改
    user.save(update_fields=["password", "must_change_password", "password_changed_at", "initial_password_encrypted"])
    journal.record(user, action, user, scope_path=scope_path_of(user),
                   changes=[{"field": "password", "label": "密码", "old": "", "new": "已修改"}])
