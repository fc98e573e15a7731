"""Authentication by role: the login page's 组织单位 / 填报单位 choice is part of the credentials."""
from django.contrib.auth.backends import ModelBackend

from govmedia.common.prepared import PreparedQuery

from .models import User

# Every request reads its user: the unit joined, not a website's 49 columns (only a website
# operator's login has one; it reads it on first use, one query). Compiled once per process.
_USER_BY_PK = PreparedQuery(User, lambda pk: User.objects.select_related("org_unit", "filer_unit").filter(pk=pk),
                            pk=-2_000_000_017)

KINDS_BY_LOGIN_ROLE = {
    "org": {User.Kind.ORG},
    "filer": {User.Kind.FILER, User.Kind.SITE},
    None: {User.Kind.OPS},  # the Django admin's own login form sends no role
}


class RoleBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, role=None, **kwargs):
        if not username or not password or role not in KINDS_BY_LOGIN_ROLE:
            return None
        user = (
            User.objects.select_related("org_unit", "filer_unit", "website")
            .filter(username__iexact=username.strip(), kind__in=KINDS_BY_LOGIN_ROLE[role])
            .first()
        )
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user) and user.can_log_in():
            return user
        return None

    def _role_decides(self, user_obj) -> bool:
        """三员分立: an ops user with a role gets its permissions from the role only (ops_roles)."""
        return bool(getattr(user_obj, "ops_role", ""))

    def get_user_permissions(self, user_obj, obj=None):
        return set() if self._role_decides(user_obj) else super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        return set() if self._role_decides(user_obj) else super().get_group_permissions(user_obj, obj)

    def get_user(self, user_id):
        try:
            user = _USER_BY_PK.first(pk=int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user and self.user_can_authenticate(user) and user.can_log_in() else None


def throttle_username(request, credentials) -> str:
    """The username django-axes counts failures under: trimmed and case-folded, like the login."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
