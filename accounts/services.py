"""Writes about users: each function is one business action."""
from django.db import transaction
from django.utils import timezone

from reviews import journal

from . import crypto
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


def password_column(user: User, shown: str | None) -> str:
    """The 密码 column of 密码保护机制, as the unit above sees it: the initial password while it is
    unchanged, else what happened to it (the same words for filer units and org units)."""
    if shown:
        return shown
    if user.initial_password_encrypted:
        return crypto.key_changed_message()  # stored, but INITIAL_PASSWORD_KEY changed since (e.g. a restore)
    if user.must_change_password:
        return "已重置"
    return "已修改"


def issue_one_time_password(user_pk: int) -> tuple[User, str]:
    """重置密码: a one-time password for the user, to be changed at next login; the initial
    password is wiped and the user's sessions end (its hash changes). Call inside a transaction."""
    password = crypto.generate_password()
    user = User.objects.select_for_update().get(pk=user_pk)
    user.set_password(password)
    user.must_change_password = True
    user.initial_password_encrypted = ""
    user.save(update_fields=["password", "must_change_password", "initial_password_encrypted"])
    return user, password
