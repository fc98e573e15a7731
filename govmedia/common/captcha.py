"""When to ask for the image 验证码 (django-simple-captcha)."""
from captcha.fields import CaptchaAnswerInput, CaptchaField
from django.conf import settings

from .ratelimit import uses
from .throttle import needs_captcha
from captcha.models import CaptchaStore


class _AnswerInput(CaptchaAnswerInput):
    """The answer box without `autocorrect` (Safari-only, not HTML: the Nu checker refuses it)."""

    def build_attrs(self, *args, **kwargs):
        attrs = super().build_attrs(*args, **kwargs)
        attrs.pop("autocorrect", None)
        return attrs


def captcha_field() -> CaptchaField:
    field = CaptchaField(label="验证码", error_messages={"invalid": "验证码错误，请重新输入。",
                                                        "required": "请输入验证码。"})
    field.widget.widgets[1] = _AnswerInput(field.widget.widgets[1].attrs)
    return field


def needs_public_captcha(request, bucket: str) -> bool:
    """After repeated use of a public form from this address (counted by govmedia.common.ratelimit)."""
    return uses(request, f"public:{bucket}") >= settings.PUBLIC_CAPTCHA_AFTER


def needs_login_captcha(request, username: str | None = None) -> bool:
    """After repeated login failures from this address or against this username
    (govmedia.common.throttle, on django-axes' rows)."""
    return needs_captcha(request, username)


def cleanup_stale_captchas(now) -> int:
    """Delete the 验证码 rows that expired before `now` (every login-page view in 验证码 mode
    writes one; django-simple-captcha only cleans them when one is validated). Returns the count.
    Scheduled by `manage.py cleanup_captchas` (docs/deploy.md)."""
    deleted, _ = CaptchaStore.objects.filter(expiration__lt=now).delete()
    return deleted
