from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与登录"

    def ready(self):
        from . import signals  # noqa: F401  (logins in the journal)
