"""Filer-unit side: 【用户设置】→【填报单位信息】 (first-login and later edits, SMS-checked),
the SMS code endpoint, and 忘记密码 on the login page."""
import hmac
import time

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from govmedia.common.ratelimit import over_limit
from orgtree.models import FilerUnit

from . import services
from .filer_forms import FilerInfoForm, ForgotMobileForm, ForgotUsernameForm, NewPasswordForm
from .filer_services import INFO_FIELDS, update_filer_info
from .models import User
from .validators import MOBILE_RE
from .verification import Purpose, VerificationError, check_code, send_code

FORGOT_KEY = "forgot_password"
FORGOT_CODE_REFUSED = "手机验证码错误或已失效，请核对手机号后重新获取。"
STEP3_TTL_SECONDS = 600  # the new password must be set within 10 minutes of the SMS check


@require_http_methods(["GET", "POST"])
def filer_info(request):
    filer = request.user.filer_unit
    first_time = not filer.info_complete
    initial = {field: getattr(filer, field) for field in INFO_FIELDS}
    form = FilerInfoForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            check_code(form.cleaned_data["contact_mobile"], Purpose.FILER_INFO, form.cleaned_data["sms_code"])
        except VerificationError as exc:
            form.add_error("sms_code", exc.message)
        else:
            update_filer_info(filer, form.cleaned_data)
            messages.success(request, "填报单位信息已保存，立即生效。")
            return redirect("home" if first_time else "accounts:filer_info")
    return render(request, "accounts/filer_info.html", {"form": form, "filer": filer, "first_time": first_time})


@require_POST
def filer_info_sms(request):
    """获取验证码 for the contact mobile typed in the unit-info form."""
    mobile = request.POST.get("mobile", "").strip()
    if not MOBILE_RE.match(mobile):
        return JsonResponse({"ok": False, "message": "请先填写正确的联系人手机号。"}, status=400)
    if over_limit(request, "sms:info", 30):
        return JsonResponse({"ok": False, "message": "获取验证码过于频繁，请稍后再试。"}, status=429)
    try:
        wait = send_code(mobile, Purpose.FILER_INFO)
    except VerificationError as exc:
        return JsonResponse({"ok": False, "message": exc.message, "wait": exc.wait_seconds}, status=429)
    return JsonResponse({"ok": True, "message": "验证码已发送，10分钟内有效。", "wait": wait})


def _forgot_state(request) -> dict:
    return request.session.get(FORGOT_KEY) or {}


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def forgot_password(request):
    """忘记密码, three steps: username → contact mobile + SMS code → new password twice."""
    state = _forgot_state(request)
    step = state.get("step", 1)
    if request.GET.get("restart"):
        request.session.pop(FORGOT_KEY, None)
        return redirect("accounts:forgot_password")
    if step == 1:
        form = ForgotUsernameForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            request.session[FORGOT_KEY] = {"step": 2, "username": form.cleaned_data["username"]}
            return redirect("accounts:forgot_password")
    elif step == 2:
        form = ForgotMobileForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            # SPEC §4: the answer must not tell whether username and mobile matched, so every
            # failure reads the same (a code is only ever delivered when the pair matches).
            # Another unit's code for that mobile is never touched by a mismatched pair.
            user = _filer_user_matching(state["username"], form.cleaned_data["mobile"])
            try:
                if user is None:
                    raise VerificationError(FORGOT_CODE_REFUSED)
                check_code(form.cleaned_data["mobile"], Purpose.RESET_PASSWORD, form.cleaned_data["sms_code"])
            except VerificationError:
                form.add_error("sms_code", FORGOT_CODE_REFUSED)
            else:
                request.session[FORGOT_KEY] = {"step": 3, "username": state["username"], "user_id": user.pk,
                                               "verified_at": time.time()}
                return redirect("accounts:forgot_password")
    else:
        user = User.objects.filter(pk=state.get("user_id"), kind=User.Kind.FILER, is_active=True).first()
        if user is None or time.time() - state.get("verified_at", 0) > STEP3_TTL_SECONDS:
            messages.warning(request, "验证已过期，请重新找回密码。")
            request.session.pop(FORGOT_KEY, None)
            return redirect("accounts:forgot_password")
        form = NewPasswordForm(user, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            services.change_password(user, form.cleaned_data["new_password1"], action="password_forgot")
            request.session.pop(FORGOT_KEY, None)
            messages.success(request, "密码已重置，请使用新密码登录。")
            return redirect("accounts:login")
    return render(request, "accounts/forgot_password.html", {"form": form, "step": step, "username": state.get("username", "")})


def _filer_user_matching(username: str, mobile: str) -> User | None:
    """The contact mobile is encrypted at rest (SM4, decision 0052): compared once decrypted."""
    user = (User.objects.select_related("filer_unit")
            .filter(username__iexact=username, kind=User.Kind.FILER, is_active=True,
                    filer_unit__status=FilerUnit.Status.ACTIVE).first())
    if user is None or not hmac.compare_digest(user.filer_unit.contact_mobile.encode(), mobile.encode()):
        return None
    return user


@require_POST
def forgot_password_sms(request):
    """获取验证码 in 忘记密码: the code is delivered only when the mobile is the unit's stored
    contact mobile; the answer is the same either way, so the page reveals nothing."""
    state = _forgot_state(request)
    mobile = request.POST.get("mobile", "").strip()
    if state.get("step") != 2:
        return JsonResponse({"ok": False, "message": "请先输入用户名。"}, status=400)
    if not MOBILE_RE.match(mobile):
        return JsonResponse({"ok": False, "message": "请输入正确的11位手机号。"}, status=400)
    if over_limit(request, "sms:forgot", 10):
        return JsonResponse({"ok": False, "message": "获取验证码过于频繁，请稍后再试。"}, status=429)
    answer = {"ok": True, "message": "如手机号与单位预留的联系人手机号一致，验证码已发送。", "wait": 60}
    if _filer_user_matching(state["username"], mobile) is None:
        return JsonResponse(answer)  # nothing is sent or stored: a stranger cannot disturb the real unit's code
    try:
        answer["wait"] = send_code(mobile, Purpose.RESET_PASSWORD)
    except VerificationError as exc:
        return JsonResponse({"ok": False, "message": exc.message, "wait": exc.wait_seconds}, status=429)
    return JsonResponse(answer)
