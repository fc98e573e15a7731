"""Deployment checks of our own (`manage.py check --deploy`)."""
from django.conf import settings
from django.core.checks import Warning, register


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
