from django.apps import AppConfig


class VerifyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verify"
    verbose_name = "官方账号查询与开放数据"

    def ready(self):
        from . import continuity  # noqa: F401  (the engine observer of approve_close: 继任账号)
        from .imitation import connect_signals  # app start-up: models are ready only in ready()

        connect_signals()  # 举报 items move with a moved subtree
        from notifications.kinds import KINDS, register  # app start-up: registers its kind of notification

        if "imitation" not in KINDS:
            register("imitation", "举报仿冒账号", default=("site", "email"),
                     description="群众举报或多次查询的疑似仿冒账号转到本单位待核查")
        if "account_reuse" not in KINDS:
            register("account_reuse", "关停账号被复用", default=("site", "email"),
                     description="本单位已关停账号的链接重新可以访问，可能已被他人使用")
