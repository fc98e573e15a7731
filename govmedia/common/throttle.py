"""Login throttling on three independent counts (docs/decisions/0017-login-throttling.md).

django-axes records every failed login as an AccessAttempt row keyed by (username, address,
user agent) in the database, so every app server counts in one place. It locks the
*pair* (username, address) after LOGIN_FAILURE_LIMIT failures (AXES_LOCKOUT_PARAMETERS is
the combination), and a success resets that pair only: one account's success never wipes
the failures against another account.

On the same rows this module adds, before any password is checked:

- per address (all usernames): the 验证码 after LOGIN_CAPTCHA_ADDRESS_AFTER failures (sized for
  shared networks), a lock of the address after LOGIN_ADDRESS_FAILURE_LIMIT failures;
- per username (all addresses, since its last successful login): the 验证码 after
  LOGIN_CAPTCHA_AFTER failures, and past
  LOGIN_FAILURE_LIMIT a progressive delay (2, 4, 8 … up to LOGIN_MAX_DELAY_SECONDS between two
  tries) for addresses this username never logged in from — never a lock, so nobody can lock
  GB0000 out from its own office.

A success clears the username's own count (decision 0049), never the address's: the counts decay with the cool-off window
(AXES_COOLOFF_TIME) after the last failure. Ops staff lift a lock by deleting the attempts in
the admin (【访问尝试】) or with `manage.py axes_reset_ip / axes_reset_username`.
"""
import math
from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone
from axes.models import AccessAttempt, AccessLog

KNOWN_ADDRESS_DAYS = 90  # an address the username logged in from within this many days is not delayed

ADDRESS_LOCKED = "登录失败次数过多，该地址已被暂时锁定，请稍后再试或联系技术支持。"
LOCKED_OUT = "登录失败次数过多，该用户名在本地址已被暂时锁定，请15分钟后再试。"  # django-axes refused the pair


@dataclass(frozen=True)
class Counts:
    address: int
    username: int


def normalise(username: str | None) -> str:
    """The form django-axes stores usernames in (accounts.backends.throttle_username)."""
    return (username or "").strip().lower()


def now():
    return timezone.now()


def _recent(at=None):
    return AccessAttempt.objects.filter(attempt_time__gte=(at or now()) - settings.AXES_COOLOFF_TIME)


def client_address(request) -> str:
    return get_client_ip_address(request) or ""


def _last_success(name: str):
    return (AccessLog.objects.filter(username__iexact=name, attempt_time__gte=now() - settings.AXES_COOLOFF_TIME)
            .aggregate(t=Max("attempt_time"))["t"])


def counts(request, username: str | None = None) -> Counts:
    """Failures within the cool-off window from this address, and against this username since
    its last successful login (a success clears the username's count, decision 0049)."""
    address = _recent().filter(ip_address=client_address(request)).aggregate(n=Sum("failures_since_start"))["n"] or 0
    name = normalise(username)
    by_name = 0
    if name:
        rows = _recent().filter(username=name)
        last_success = _last_success(name)
        if last_success is not None:
            rows = rows.filter(attempt_time__gt=last_success)
        by_name = rows.aggregate(n=Sum("failures_since_start"))["n"] or 0
    return Counts(address=address, username=by_name)


def needs_captcha(request, username: str | None = None) -> bool:
    """The 验证码 follows the username's failures (LOGIN_CAPTCHA_AFTER); the address's, all
    usernames together, only past LOGIN_CAPTCHA_ADDRESS_AFTER, sized for an office behind one
    NAT: one person's typos never put it in front of the colleagues (decision 0049)."""
    c = counts(request, username)
    return c.username >= settings.LOGIN_CAPTCHA_AFTER or c.address >= settings.LOGIN_CAPTCHA_ADDRESS_AFTER


def delay_for(failures: int) -> int:
    """Seconds to wait between two tries once a username has `failures` failures."""
    excess = failures - settings.AXES_FAILURE_LIMIT
    if excess < 0:
        return 0
    return min(2 ** (excess + 1), settings.LOGIN_MAX_DELAY_SECONDS)


def _known_address(username: str, address: str) -> bool:
    since = now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(username__iexact=username, ip_address=address, attempt_time__gte=since).exists()


def _pair_locked(username: str, address: str) -> bool:
    """django-axes' own lock of the pair answers first (its message, its 429)."""
    failures = _recent().filter(username=username, ip_address=address).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return failures >= settings.AXES_FAILURE_LIMIT


def refusal(request, username: str | None) -> str | None:
    """Why this try is refused before its password is looked at (None: it may go on).
    The answer never depends on whether the username exists or the password is right."""
    address = client_address(request)
    c = counts(request, username)
    if c.address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return ADDRESS_LOCKED
    name = normalise(username)
    wait = delay_for(c.username)
    if name and wait and not _pair_locked(name, address) and not _known_address(name, address):
        last = _recent().filter(username=name).aggregate(t=Max("attempt_time"))["t"]
        if last is not None:
            remaining = (last + timedelta(seconds=wait) - now()).total_seconds()
            if remaining > 0:
                return f"登录失败次数过多，请 {math.ceil(remaining)} 秒后再试。"
    return None
