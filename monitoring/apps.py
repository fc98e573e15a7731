from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "自动监测"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import notify  # noqa: F401 - connects the finding notification (消息中心)
