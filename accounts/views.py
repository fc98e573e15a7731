from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from govmedia.common import throttle
from govmedia.common.captcha import captcha_field, needs_login_captcha

from .forms import LoginForm, PasswordChangeForm
from govmedia.common.redirects import safe_next

LOGIN_FAILED = "用户名或密码错误，请重新输入。"
from govmedia.common.throttle import LOCKED_OUT  # noqa: E402 (the lock-out text lives in the shared layer)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])  # HEAD /: monitors and load balancers
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect("home")
    form = LoginForm(request.POST if request.method == "POST" else None)
    typed = request.POST.get("username") if request.method == "POST" else None
    if needs_login_captcha(request, typed):
        form.fields["captcha"] = captcha_field()
    if request.method == "POST" and form.is_valid():
        refused = throttle.refusal(request, form.cleaned_data["username"])
        if refused:  # before the password is looked at: the answer tells nothing about it
            form.add_error(None, refused)
            return render(request, "accounts/login.html", {"form": form}, status=429)
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            role=form.cleaned_data["role"],
        )
        if user is not None:
            login(request, user)
            return redirect(_safe_next(request) or "home")
        form.add_error(None, LOCKED_OUT if getattr(request, "axes_locked_out", False) else LOGIN_FAILED)
        if "captcha" not in form.fields and needs_login_captcha(request, typed):
            form.fields["captcha"] = captcha_field()  # the next try asks for it: show it now
    return render(request, "accounts/login.html", {"form": form})


def _safe_next(request) -> str | None:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes lockout hook: the login view already shows the message; answer 429."""
    if original_response is None:
        form = LoginForm(request.POST if request.method == "POST" else None)
        form.is_valid()
        form.add_error(None, LOCKED_OUT)
        original_response = render(request, "accounts/login.html", {"form": form})
    original_response.status_code = 429
    return original_response


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@require_GET
def settings_view(request):
    return render(request, "accounts/settings.html")


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, form.cleaned_data["new_password1"])
        logout(request)
        messages.success(request, "密码修改成功，请使用新密码重新登录。")
        return redirect("accounts:login")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})
