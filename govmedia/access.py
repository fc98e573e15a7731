"""Deny-by-default access control.

Every route declares who may open it, next to the route itself (`route(..., access=...)`
stores the declaration in the pattern's extra kwargs). The middleware reads it before the
view runs: an undeclared route is refused, the anonymous user is sent to the login page,
a role not admitted gets 403. `access_map()` walks the URLconf and returns the one central
map from URL name to declaration, which the tests iterate.

Object-level scope is not checked here: views fetch through their app's selectors, which
filter by the user's scope, so a foreign id is a 404.
"""
import logging
from functools import lru_cache

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, get_resolver, path

from govmedia.roles import Access
from govmedia.common.client_ip import ops_address_allowed
from govmedia.common.request_user import plain_user

logger = logging.getLogger(__name__)

ACCESS_KWARG = "access"
# Routes a user with a pending forced step (e.g. 首次登录修改密码) may still open.
GATE_EXEMPT = {"accounts:logout", "accounts:login", "accounts:filer_info_sms"}


def route(pattern: str, view, *, name: str, access: Access, kwargs: dict | None = None) -> URLPattern:
    """`django.urls.path` with the access declaration every route of ours must carry."""
    if not isinstance(access, Access):
        raise TypeError(f"route {name!r}: access must be a govmedia.roles.Access")
    return path(pattern, view, {**(kwargs or {}), ACCESS_KWARG: access}, name=name)


def _walk(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", entry


def iter_patterns():
    """(qualified name, pattern) for every route of the URLconf."""
    yield from _walk(get_resolver().url_patterns)


def is_admin_route(qualified_name: str) -> bool:
    return qualified_name.startswith("admin:")


def access_map() -> dict[str, Access | None]:
    """The central map: URL name → who may open it (None: undeclared, hence refused)."""
    return {
        name: entry.default_args.get(ACCESS_KWARG)
        for name, entry in iter_patterns()
        if not is_admin_route(name)
    }


@lru_cache(maxsize=1)
def _declared() -> dict[str, Access | None]:
    return access_map()  # the URLconf is fixed once loaded


def may_open(user, url_name: str) -> bool:
    """Whether the access map lets `user` open the route `url_name` (the menu, and the flags
    templates test instead of roles: `{% may_open "reports:list" as can_report %}`)."""
    access = _declared().get(url_name)
    if not isinstance(access, Access):
        return False
    return access.public or (getattr(user, "is_authenticated", False) and access.admits(getattr(user, "role", None)))


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and is_admin_route(match.view_name) and not ops_address_allowed(request):
            raise Http404  # every admin URL, not only its login: its existence does not show
        if match is None or is_admin_route(match.view_name):
            return None  # the admin site checks is_staff itself
        access = view_kwargs.pop(ACCESS_KWARG, None)
        if not isinstance(access, Access):
            logger.error("route %s declares no access rule: refused", match.view_name)
            raise PermissionDenied("该页面未声明访问权限。")
        if access.public:
            return None
        # Read once through its lazy wrappers (the authentication's, django-otp's around it), then kept
        # unwrapped for the view and the template: a page reads the user hundreds of times (the menu,
        # role checks, row actions), each read through both proxies cost ~0.6 ms a page.
        request.user = user = plain_user(request)
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.admits(user.role):
            raise PermissionDenied("您没有访问该页面的权限。")
        gate = user.pending_gate()
        if gate and match.view_name != gate and match.view_name not in GATE_EXEMPT:
            return redirect(gate)
        return None
