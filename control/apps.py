from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = "控制权验证"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  app start-up: a new or changed link resets its proof
