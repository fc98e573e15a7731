from django.apps import AppConfig


class VerifyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verify"
    verbose_name = "官方账号查询与开放数据"
