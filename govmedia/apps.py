from django.contrib.admin.apps import AdminConfig


class OpsAdminConfig(AdminConfig):
    """django.contrib.admin with the ops admin site (second factor, throttling, addresses)."""

    default_site = "govmedia.admin_site.OpsAdminSite"
