from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    """`migrate` also makes the database cache table (a no-op when it exists or when the cache is Redis)."""
    call_command("createcachetable", database=using, verbosity=0)


class OpsConfig(AppConfig):
    name = "govmedia.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self):
        from . import checks  # noqa: F401  app start-up: registers the system checks

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="govmedia.ops.create_cache_table")
