"""用户设置 → 下级组织单位用户: the unit above sees its direct sub-units' logins, their initial
password until changed (密码保护机制), and resets a password (shown once)."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jobs.exports import serve_list

from . import org_credentials as rules
from .filer_lists import ORG_USER_LIST
from orgtree.services import update_org_unit
from .forms import OrgUnitContactForm


@never_cache  # the page shows initial passwords
@require_http_methods(["GET", "POST"])
def org_user_list(request):
    return serve_list(request, ORG_USER_LIST, "accounts/org_users.html")


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


@require_http_methods(["GET", "POST"])
def org_unit_info(request):
    """用户设置 → 组织单位信息: an org unit keeps its own contacts (联系人 / 联系电话 / 电子邮箱), which
    组织单位信息查询 shows to the units around it (manual 03 四 1.5). Journaled as 修改组织单位信息."""
    unit = request.user.org_unit
    form = OrgUnitContactForm(request.POST if request.method == "POST" else None, initial={
        "contact_person": unit.contact_person, "contact_phone": unit.contact_phone, "contact_email": unit.contact_email})
    if request.method == "POST" and form.is_valid():
        update_org_unit(unit, user=request.user, **form.cleaned_data)
        messages.success(request, "组织单位信息已保存。")
        return redirect("accounts:settings")
    return render(request, "accounts/org_unit_info.html", {"form": form, "unit": unit})
