from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: the rollup's and the 待审核 panels' observers
