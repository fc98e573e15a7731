from django.contrib.admin.apps import AdminConfig


class OpsAdminConfig(AdminConfig):
    """django.contrib.admin with the ops admin site (second factor, throttling, addresses);
    also registers govmedia's own deployment checks."""

    default_site = "govmedia.admin_site.OpsAdminSite"

    def ready(self):
        super().ready()
        from . import checks  # noqa: F401  app start-up: registers the deployment checks
