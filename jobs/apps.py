from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: the export runner and the scheduled entries (jobs/wiring.py)
