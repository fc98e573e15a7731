from django.apps import AppConfig


class VerifyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verify"
    verbose_name = "官方账号查询与开放数据"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: the 继任账号 observer, 举报 signals, kinds of notification
