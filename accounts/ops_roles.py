"""三员分立: the three ops roles and what each may open in the ops admin (decision record 0054).

- 系统管理员 (sysadmin): the tree, units, users of the units, registrations, jobs — no permissions,
  no lockouts, no keys, no journal;
- 安全管理员 (secadmin): ops users' roles, lockouts (django-axes), TOTP devices, keys (manage.py
  rotate_keys on the server), the network allow-list (OPS_ADMIN_ALLOWED_NETWORKS, shown);
- 审计管理员 (auditor): reads and exports the journal, the access logs, the chain checks and the
  archives — nothing else.

A user holds at most one role (one field); a role grants exactly the model permissions below
(OpsRoleBackend), whatever Django permissions the row might carry. The superuser, who would hold
all three, is refused with DEBUG off (govmedia.checks, ops.E010).
"""
from django.contrib.auth.backends import BaseBackend

from govmedia.roles import OpsRole


ALL = ("view", "add", "change", "delete")
VIEW = ("view",)

# model label → the actions the role may take on it
ROLE_MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    OpsRole.SYSADMIN: {
        "orgtree.orgunit": ALL, "orgtree.filerunit": ALL, "accounts.user": ALL,
        "accounts_media.mediaaccount": ALL, "websites.website": ALL,
        "reports.spotcheckreport": ALL, "reports.notice": ALL, "reports.checkround": ALL, "reports.checksheet": ALL,
        "django_tasks_database.dbtaskresult": VIEW, "jobs.job": ALL, "jobs.scheduledrun": VIEW,
        "notifications.notification": VIEW, "monitoring.checkrun": ALL, "monitoring.checkresult": VIEW,
        "monitoring.finding": ALL,
    },
    OpsRole.SECADMIN: {
        "accounts.user": ("view", "change"),  # ops users only: their role, their lock (OpsUserScope)
        "axes.accessattempt": ("view", "delete"), "axes.accessfailurelog": ("view", "delete"),
        "otp_totp.totpdevice": ALL,
    },
    OpsRole.AUDITOR: {
        "reviews.journalentry": VIEW, "reviews.journalcheck": VIEW, "reviews.journalarchive": VIEW,
        "axes.accesslog": VIEW,
    },
}


def role_of(user) -> str:
    return getattr(user, "ops_role", "") or ""


def role_label(user) -> str:
    role = role_of(user)
    return OpsRole(role).label if role else ""


def may(user, model_label: str, action: str) -> bool:
    return action in ROLE_MODELS.get(role_of(user), {}).get(model_label, ())


class OpsRoleBackend(BaseBackend):
    """Grants an ops user exactly its role's model permissions (authenticates nobody)."""

    def _applies(self, user) -> bool:
        return bool(user.is_active and getattr(user, "kind", "") == "ops" and role_of(user))

    def get_all_permissions(self, user_obj, obj=None):
        if not self._applies(user_obj):
            return set()
        perms = set()
        for label, actions in ROLE_MODELS[role_of(user_obj)].items():
            app, model = label.split(".")
            perms |= {f"{app}.{action}_{model}" for action in actions}
        return perms

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
