"""Deployment checks of our own (`manage.py check --deploy`)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Warning, register
from django.core.checks import Error
from django.db import DatabaseError


@register("security", deploy=True)
def proxy_count_check(app_configs, **kwargs):
    """Behind a proxy, PROXY_COUNT=0 reads every client as the proxy's address: the per-address
    login lock and 验证码 would then hit everyone at once (issue 19, decision 0017)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.AXES_IPWARE_PROXY_COUNT == 0:
        return [Warning(
            "TRUST_X_FORWARDED_PROTO=1 says a proxy is in front, but PROXY_COUNT=0: every client would share "
            "the proxy's address for login throttling and the 验证码.",
            hint="Set PROXY_COUNT to the number of trusted proxies in front of the app servers (docs/deploy.md).",
            id="govmedia.W001",
        )]
    return []


@register("security", deploy=True)
def separation_of_duties_check(app_configs, **kwargs):
    """三员分立 (decision 0054): with DEBUG off no active superuser (who would hold all three
    roles) and no ops login able to reach the admin without one of the three roles."""
    if settings.DEBUG:
        return []
    User = get_user_model()

    try:
        superusers = list(User.objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True)[:5])
        roleless = list(User.objects.filter(is_staff=True, is_active=True, is_superuser=False, ops_role="")
                        .values_list("username", flat=True)[:5])
    except DatabaseError:  # not migrated yet
        return []
    errors = []
    if superusers:
        errors.append(Error(
            f"Active superusers in production: {', '.join(superusers)}. 三员分立: give each ops login one role "
            "(系统管理员 / 安全管理员 / 审计管理员) with `manage.py create_ops_user` and switch the superuser off.",
            id="ops.E010"))
    if roleless:
        errors.append(Error(f"Ops logins without a 三员 role: {', '.join(roleless)} (set 运维角色 or is_staff off).",
                            id="ops.E011"))
    return errors


@register("security")
def audit_retention_check(app_configs, **kwargs):
    """Audit logs are kept ≥ 180 days (网络安全法 第二十一条; decision 0053): less is refused."""
    if int(getattr(settings, "AUDIT_RETENTION_DAYS", 180)) < 180:
        return [Error(f"AUDIT_RETENTION_DAYS={settings.AUDIT_RETENTION_DAYS}: audit logs must be kept at least 180 days.",
                      id="ops.E012")]
    return []
