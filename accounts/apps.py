from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与登录"

    def ready(self):
        # app start-up: logins in the journal; sessions of 等保 (0054); 填报单位用户管理's kept count
        from . import filer_counts, session_policy, signals  # noqa: F401
