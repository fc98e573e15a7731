from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "自动监测"
    default_auto_field = "django.db.models.BigAutoField"
