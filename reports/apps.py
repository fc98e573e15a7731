from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "抽查上报与通知"

    def ready(self):
        from . import signals  # noqa: F401  (subtree moves rewrite the self-check sheets' org_path)
        from . import check_lists  # noqa: F401  (检查季度's list: registered for export jobs)
        from . import services  # noqa: F401  (the menu's page-state slots)
