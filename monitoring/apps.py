from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "自动监测"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: the finding notification, the prefill and 通报 steps
