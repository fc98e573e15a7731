from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "消息中心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews import engine  # app start-up: observes the engine's transitions

        from .hooks import on_transitions  # app start-up: models are ready only in ready()

        engine.observe(on_transitions)
