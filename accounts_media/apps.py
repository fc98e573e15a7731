from django.apps import AppConfig


class AccountsMediaConfig(AppConfig):
    name = "accounts_media"
    verbose_name = "新媒体账号"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: page-state slots, org_path signals, the import runner
