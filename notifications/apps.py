from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息中心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: the unread figure's slot, the engine's observer
