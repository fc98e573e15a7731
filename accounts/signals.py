"""Logins in the journal: success, failure and lockout (django-axes), for every login form —
the 组织单位 / 填报单位 page and the ops admin's alike, since both go through `authenticate()`."""
from axes.signals import user_locked_out
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from reviews import journal

from .models import User
from .services import scope_path_of


def _user_named(username: str) -> User | None:
    username = (username or "").strip()
    if not username:
        return None
    return User.objects.select_related("org_unit", "filer_unit").filter(username__iexact=username).first()


def _record_attempt(action: str, request, username: str, reason: str = "") -> None:
    user = _user_named(username)
    ip = getattr(request, "axes_ip_address", None) or journal.client_ip(request)
    # Nobody is signed in yet: no actor; the subject is the account tried (an unknown username is
    # kept as typed), the address tells who tried.
    if user is None:
        journal.record(None, action, AnonymousUser(), subject_type="user", subject_label=(username or "").strip()[:30],
                       reason=reason, request=request, ip=ip)
    else:
        journal.record(user, action, AnonymousUser(), reason=reason, scope_path=scope_path_of(user), request=request,
                       ip=ip)


@receiver(user_logged_in)
def journal_login(sender, request, user, **kwargs):
    journal.record(user, "login_success", user, scope_path=scope_path_of(user), request=request)


@receiver(user_login_failed)
def journal_login_failure(sender, credentials, request=None, **kwargs):
    if getattr(request, "axes_locked_out", False):
        return  # journaled as 登录锁定 by the handler below
    action = "login_totp_failure" if (credentials or {}).get("otp_step") else "login_failure"  # the ops admin's 2nd step
    _record_attempt(action, request, (credentials or {}).get("username", ""))


@receiver(user_locked_out)
def journal_lockout(sender, request, username, ip_address, **kwargs):
    _record_attempt("login_lockout", request, username, reason="登录失败次数过多，账号或地址已被暂时锁定")
