"""Sessions of 等保 level 3 (decision record 0054).

- idle and absolute timeouts per role (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_MINUTES);
- at most MAX_CONCURRENT_SESSIONS sessions per login: a new login ends the oldest, whose user is
  told at their next request;
- after login, 上次登录时间/地址 and the failed attempts since are shown;
- an org unit's or ops user's expired password (accounts.password_policy) must be changed first.

Every login is a `UserSession` row (started, address, how it ended).
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from reviews import journal

from . import password_policy
from .models import User, UserSession
from reviews.models import JournalEntry

LOGIN_AT, SEEN_AT, EXPIRES = "_policy_login_at", "_policy_seen_at", "_policy_password_expires"
SEEN_RESOLUTION = 30  # seconds: the last-seen time is written at most this often (one session write)

ENDED_MESSAGES = {
    UserSession.Ended.IDLE: "由于长时间未操作，您已自动退出，请重新登录。",
    UserSession.Ended.ABSOLUTE: "登录时间已达上限，请重新登录。",
    UserSession.Ended.REPLACED: "您的账号已在其他地方登录，本会话已结束。如非本人操作，请立即修改密码。",
}
FAILURE_ACTIONS = ("login_failure", "login_lockout", "login_totp_failure")


def _role_key(user) -> str:
    role = user.role
    return str(role) if role else "default"


def minutes_for(table: dict, user) -> int:
    return int(table.get(_role_key(user), table.get("default", 0)))


def _end(request, user, reason: str):
    key = request.session.session_key
    UserSession.objects.filter(user=user, session_key=key, ended="").update(ended=reason, ended_at=timezone.now())
    logout(request)
    messages.warning(request, ENDED_MESSAGES[reason])
    login_url = reverse("admin:login") if request.path.startswith(reverse("admin:index")) else reverse("accounts:login")
    return redirect(f"{login_url}?next={request.path}" if request.method == "GET" else login_url)


def _exempt_from_password_gate(request) -> bool:
    names = {reverse("accounts:password_change"), reverse("accounts:logout"), reverse("admin:password_change"),
             reverse("admin:password_change_done"), reverse("admin:logout"), reverse("admin:login")}
    return request.path in names or request.path.startswith(settings.STATIC_URL)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            answer = self._signed_in(request, user)
            if answer is not None:
                return answer
            return self.get_response(request)
        return self._anonymous(request)

    def _signed_in(self, request, user):
        now = timezone.now()
        session = request.session
        started = session.get(LOGIN_AT)
        if started is None:  # a session from before this policy: its clock starts now
            session[LOGIN_AT] = session[SEEN_AT] = now.timestamp()
            return None
        idle = minutes_for(settings.SESSION_IDLE_MINUTES, user)
        absolute = minutes_for(settings.SESSION_ABSOLUTE_MINUTES, user)
        seen = session.get(SEEN_AT, started)
        if idle and now.timestamp() - seen > idle * 60:
            return _end(request, user, UserSession.Ended.IDLE)
        if absolute and now.timestamp() - started > absolute * 60:
            return _end(request, user, UserSession.Ended.ABSOLUTE)
        if now.timestamp() - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now.timestamp()
        expires = session.get(EXPIRES)
        if expires and now.timestamp() >= expires and not _exempt_from_password_gate(request):
            fresh = password_policy.expires_at(user)  # changed since (the admin keeps the session)?
            if fresh is None or now < fresh:
                session[EXPIRES] = fresh.timestamp() if fresh else None
                return None
            messages.warning(request, f"您的密码已超过 {password_policy.max_age_days()} 天未修改，请先修改密码。")
            if user.kind == User.Kind.OPS:
                return redirect("admin:password_change")
            if not user.must_change_password:
                User.objects.filter(pk=user.pk).update(must_change_password=True)
            return redirect("accounts:password_change")
        return None

    def _anonymous(self, request):
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        response = None
        if cookie and not request.session.keys() and request.session.session_key is None:  # its session is gone
            ended = (UserSession.objects.filter(session_key=cookie, ended__in=list(ENDED_MESSAGES))
                     .values_list("ended", flat=True).first())
            if ended:
                messages.warning(request, ENDED_MESSAGES[ended])
                response = self.get_response(request)
                response.delete_cookie(settings.SESSION_COOKIE_NAME)  # told once
                return response
        return self.get_response(request)


def _previous_login_text(user, previous: UserSession | None) -> str:
    if previous is None:
        return "这是您第一次登录本系统。"
    failures = JournalEntry.objects.filter(subject_type="user", subject_id=user.pk, action__in=FAILURE_ACTIONS,
                                           at__gt=previous.started_at).count()
    text = (f"上次登录时间：{timezone.localtime(previous.started_at):%Y-%m-%d %H:%M}，"
            f"上次登录地址：{previous.ip_address or '未知'}；此后登录失败 {failures} 次。")
    if failures:
        text += "如非本人操作，请及时修改密码。"
    return text


@receiver(user_logged_in)
def start_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    previous = UserSession.objects.filter(user=user).order_by("-started_at", "-id").first()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.create(user=user, session_key=request.session.session_key, ip_address=journal.client_ip(request),
                               started_at=now)
    request.session[LOGIN_AT] = request.session[SEEN_AT] = now.timestamp()
    expires = password_policy.expires_at(user)
    request.session[EXPIRES] = expires.timestamp() if expires else None
    messages.info(request, _previous_login_text(user, previous), fail_silently=True)
    _limit_concurrent(request, user, now)


def _limit_concurrent(request, user, now):
    limit = int(getattr(settings, "MAX_CONCURRENT_SESSIONS", 0))
    if not limit:
        return
    active = list(UserSession.objects.filter(user=user, ended="").order_by("-started_at", "-id")
                  .values_list("pk", "session_key"))
    stale = active[limit:]
    if not stale:
        return
    Session.objects.filter(session_key__in=[key for _pk, key in stale]).delete()
    UserSession.objects.filter(pk__in=[pk for pk, _key in stale]).update(ended=UserSession.Ended.REPLACED, ended_at=now)
    messages.warning(request, f"同一账号最多同时保持 {limit} 个登录会话，最早的 {len(stale)} 个会话已结束。",
                     fail_silently=True)


@receiver(user_logged_out)
def end_session(sender, request, user, **kwargs):
    if user is None or request is None or not hasattr(request, "session") or not request.session.session_key:
        return
    UserSession.objects.filter(user=user, session_key=request.session.session_key, ended="").update(
        ended=UserSession.Ended.LOGOUT, ended_at=timezone.now())
