from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息中心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews import engine  # app start-up: observes the engine's transitions

        from . import services  # noqa: F401  (the unread figure's page-state slot)
        from .hooks import on_transitions  # app start-up: the hooks read the models

        engine.observe(on_transitions)
