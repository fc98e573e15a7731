"""用户设置 → 下级组织单位用户: the unit above sees its direct sub-units' logins, their initial
password until changed (密码保护机制), and resets a password (shown once)."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import org_credentials as rules


@never_cache  # the page shows initial passwords
@require_GET
def org_user_list(request):
    rows = []
    for user in rules.supervised_org_users(request.user):
        shown, state = rules.password_state(user)
        rows.append({"user": user, "shown": shown, "state": state})
    return render(request, "accounts/org_users.html", {"rows": rows})


@require_POST
def org_user_reset(request, pk):
    target = get_object_or_404(rules.supervised_org_users(request.user), pk=pk)
    try:
        password = rules.reset_org_password(request.user, target)
    except rules.OrgCredentialError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:org_users")
    response = render(request, "accounts/org_user_password_reset.html", {"target": target, "password": password})
    response["Cache-Control"] = "no-store"
    return response
