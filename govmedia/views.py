from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .navigation import menu_for


@require_GET
def home(request):
    """After login: the first menu of the user's role."""
    items = menu_for(request.user.role)
    return redirect(items[0].url_name if items else "accounts:settings")


@require_GET
def feature_not_ready(request, title: str, issue: str):
    """A menu whose capability has not landed yet: says so, shows no data."""
    return render(request, "feature_not_ready.html", {"title": title, "issue": issue})
