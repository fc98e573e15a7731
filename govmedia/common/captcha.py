"""When to ask for the image 验证码 (django-simple-captcha)."""
from axes.helpers import get_client_ip_address
from captcha.fields import CaptchaField
from django.conf import settings
from django.core.cache import cache


def captcha_field() -> CaptchaField:
    return CaptchaField(label="验证码", error_messages={"invalid": "验证码错误，请重新输入。",
                                                       "required": "请输入验证码。"})


def public_uses(request, bucket: str) -> int:
    """How often this address used a public form in the past hour (counted by the views)."""
    return cache.get(f"public-rate:{bucket}:{get_client_ip_address(request) or ''}", 0)


def needs_public_captcha(request, bucket: str) -> bool:
    return public_uses(request, bucket) >= settings.PUBLIC_CAPTCHA_AFTER


def needs_login_captcha(request) -> bool:
    """After repeated login failures from this address (django-axes keeps the count)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    ip = get_client_ip_address(request)
    failures = AccessAttempt.objects.filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return failures >= settings.LOGIN_CAPTCHA_AFTER
