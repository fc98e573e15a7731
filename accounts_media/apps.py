from django.apps import AppConfig


class AccountsMediaConfig(AppConfig):
    name = "accounts_media"
    verbose_name = "新媒体账号"

    def ready(self):
        from . import counts, signals  # noqa: F401  (page-state slots; subtree moves rewrite org_path)
