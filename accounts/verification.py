"""One-time SMS codes: hashed, 10-minute expiry, re-send after 60 s, locked after 5 wrong tries."""
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from govmedia.common import gm

from .sms import send_sms
from .models import SmsCode
from .sms import SmsSendError

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_TRIES = 5
DAILY_LIMIT = 20


class VerificationError(Exception):
    def __init__(self, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.message = message
        self.wait_seconds = wait_seconds


class Purpose(models.TextChoices):
    FILER_INFO = "filer_info", "填报单位信息"
    RESET_PASSWORD = "reset_password", "忘记密码"


def _digest(mobile: str, purpose: str, code: str) -> str:
    """HMAC-SM3 of the code (商用密码, decision 0052): only this is stored."""
    key = gm.derive_key(settings.SECRET_KEY, "sms code", 32)
    return gm.hmac_sm3(key, f"{purpose}:{mobile}:{code}".encode()).hex()


def send_code(mobile: str, purpose: str) -> int:
    """Issue a code for `mobile`; returns the seconds before another may be asked for.
    A gateway failure keeps nothing, so the user may try again at once."""
    now = timezone.now()
    with transaction.atomic():
        recent = SmsCode.objects.select_for_update().for_mobile(mobile).filter(purpose=purpose).order_by("-created_at")
        last = recent.first()
        if last and now - last.created_at < RESEND_AFTER:
            wait = int((RESEND_AFTER - (now - last.created_at)).total_seconds()) + 1
            raise VerificationError(f"验证码已发送，请 {wait} 秒后再重新获取。", wait_seconds=wait)
        if recent.filter(created_at__gte=now - timedelta(days=1)).count() >= DAILY_LIMIT:
            raise VerificationError("该手机号今日获取验证码次数过多，请明天再试。")
        code = f"{secrets.randbelow(10**6):06d}"
        SmsCode.objects.create(
            mobile=mobile, purpose=purpose, code_hash=_digest(mobile, purpose, code), expires_at=now + CODE_TTL,
        )
        try:  # inside the transaction: a failed send leaves no code and no cool-down
            send_sms(mobile, f"【全国政务新媒体报送系统】您的验证码为 {code}，10分钟内有效。如非本人操作，请忽略本短信。")
        except SmsSendError:
            transaction.set_rollback(True)
            raise VerificationError("短信发送失败，请稍后重试。")
    return int(RESEND_AFTER.total_seconds())


def check_code(mobile: str, purpose: str, code: str) -> None:
    """Consume the latest code for `mobile`; raise VerificationError when it does not match."""
    code = (code or "").strip()
    if not code:
        raise VerificationError("手机验证码不能为空")
    error = None
    with transaction.atomic():  # the failed try is counted: raise only after the commit
        last = (
            SmsCode.objects.select_for_update()
            .for_mobile(mobile)
            .filter(purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if last is None or last.expires_at < timezone.now():
            error = "手机验证码已失效，请重新获取。"
        elif last.attempts >= MAX_TRIES:
            error = "验证码错误次数过多，请重新获取。"
        elif not hmac.compare_digest(last.code_hash, _digest(mobile, purpose, code)):
            last.attempts += 1
            last.save(update_fields=["attempts"])
            left = MAX_TRIES - last.attempts
            error = f"手机验证码错误，还可尝试 {left} 次。" if left else "验证码错误次数过多，请重新获取。"
        else:
            last.used_at = timezone.now()
            last.save(update_fields=["used_at"])
    if error:
        raise VerificationError(error)
