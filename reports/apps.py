from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "抽查上报与通知"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: signals, the export list, page-state slots, the round runner
