"""The ops admin (/ops-admin/): a second factor, the login throttling of the login page, and an
optional address restriction (issue 19; docs/decisions/0018-credentials-and-admin.md).

- django-otp's OTPAdminSite: only a user verified by a TOTP device (`manage.py ops_totp`) counts
  as staff; the login form asks for the 6-digit code. TOTP devices throttle wrong codes themselves.
- The same counts, 验证码 and refusals as the login page (govmedia.common.throttle; django-axes
  records the failures of this form too).
- OPS_ADMIN_ALLOWED_NETWORKS (addresses or CIDR networks, comma-separated): when set, the admin,
  its login page included, answers 404 to every other address.
"""
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from .common import throttle
from .common.client_ip import ops_address_allowed
from .common.throttle import LOCKED_OUT
from .common.captcha import captcha_field, needs_login_captcha
from django.contrib import messages
from django_otp import devices_for_user
from reviews.audit import latest_check


def address_allowed(request) -> bool:
    return ops_address_allowed(request)


class OpsLoginForm(OTPAdminAuthenticationForm):
    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        # one answer for a wrong password and a wrong or missing TOTP code (issue 31)
        "invalid_login": "用户名、密码或动态验证码错误，请重新输入。",
        "inactive": "该用户已停用。",
    }
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "请输入动态验证码（TOTP）。",
        "invalid_token": "动态验证码错误或已过期，请重新输入。",
        "n_failed_attempts": "动态验证码错误次数过多（%(failure_count)d 次），请稍后再试。",
        "verification_not_allowed": "动态验证码错误次数过多，请稍后再试。",
        "device_required": "请选择验证设备。",
    }

    def _chosen_device(self, user):
        """The chosen device, or the user's only device (ops staff have one, from ops_totp)."""
        device = super()._chosen_device(user)
        if device is None and not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            device = devices[0] if len(devices) == 1 else None
        return device

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["otp_token"].label = "动态验证码"
        typed = request.POST.get("username") if request is not None and request.method == "POST" else None
        if request is not None and needs_login_captcha(request, typed):
            self.fields["captcha"] = captcha_field()

    def clean_otp(self, user):
        """A right password with a missing or wrong TOTP code is answered like a wrong password and
        counted by the login throttling (django-axes hears a failed login); journaled as
        动态验证码错误 (issue 31)."""
        try:
            return super().clean_otp(user)
        except ValidationError:
            user_login_failed.send(sender=__name__, request=self.request,
                                   credentials={"username": self.cleaned_data.get("username", ""), "otp_step": True})
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(LOCKED_OUT, code="locked_out") from None
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name}) from None

    def clean(self):
        if "captcha" in self.errors:  # a missing or wrong 验证码: the password is not looked at
            return self.cleaned_data
        refused = throttle.refusal(self.request, self.data.get("username"))
        if refused:
            raise ValidationError(refused, code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):  # django-axes refused the pair
                raise ValidationError(LOCKED_OUT, code="locked_out")
            raise


class OpsAdminSite(OTPAdminSite):
    login_form = OpsLoginForm
    login_template = "admin/ops_login.html"

    def __init__(self, name="admin"):  # the URL namespace stays admin:
        super().__init__(name)

    def has_permission(self, request):
        user = request.user
        if user.is_active and user.is_superuser and not settings.DEBUG and not getattr(settings, "OPS_ALLOW_SUPERUSER", False):
            return False  # 三员分立: the superuser is refused in production (ops.E010, decision 0054)
        return address_allowed(request) and super().has_permission(request)

    def login(self, request, extra_context=None):
        if not address_allowed(request):
            raise Http404
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        """The 审计管理员 is told on arrival when the latest check of the journal's chain failed."""
        if getattr(request.user, "ops_role", "") == "auditor":
            check = latest_check()
            if check is not None and not check.ok:
                messages.error(request, f"审计日志完整性校验发现问题（{check}）：{check.problems}")
        return super().index(request, extra_context)
