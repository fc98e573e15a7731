"""Writes about users: each function is one business action."""
from django.db import transaction
from django.utils import timezone

from .models import User


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    """Set a new password chosen by the user. Every session of the user ends with it
    (Django's session hash follows the password hash), the current one included."""
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.initial_password_encrypted = ""  # 密码保护机制: supervisors now see 已修改
    user.save(update_fields=["password", "must_change_password", "password_changed_at", "initial_password_encrypted"])
