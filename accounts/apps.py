from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与登录"

    def ready(self):
        from . import session_policy, signals  # noqa: F401  app start-up: logins in the journal; sessions of 等保 (0054)
