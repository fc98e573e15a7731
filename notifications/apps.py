from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息中心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews import engine

        from .hooks import on_transitions

        engine.observe(on_transitions)
