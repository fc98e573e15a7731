"""When to ask for the image 验证码 (django-simple-captcha)."""
from axes.helpers import get_client_ip_address
from captcha.fields import CaptchaField
from django.conf import settings

from .ratelimit import uses


def captcha_field() -> CaptchaField:
    return CaptchaField(label="验证码", error_messages={"invalid": "验证码错误，请重新输入。",
                                                       "required": "请输入验证码。"})


def needs_public_captcha(request, bucket: str) -> bool:
    """After repeated use of a public form from this address (counted by govmedia.common.ratelimit)."""
    return uses(request, f"public:{bucket}") >= settings.PUBLIC_CAPTCHA_AFTER


def needs_login_captcha(request) -> bool:
    """After repeated login failures from this address (django-axes keeps the count)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    ip = get_client_ip_address(request)
    failures = AccessAttempt.objects.filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return failures >= settings.LOGIN_CAPTCHA_AFTER
