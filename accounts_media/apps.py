from django.apps import AppConfig


class AccountsMediaConfig(AppConfig):
    name = "accounts_media"
    verbose_name = "新媒体账号"

    def ready(self):
        from . import signals  # noqa: F401  (subtree moves rewrite org_path)
