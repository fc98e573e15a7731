from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息中心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews import engine

        from . import services  # noqa: F401  (the unread figure's page-state slot)
        from .hooks import on_transitions

        engine.observe(on_transitions)
