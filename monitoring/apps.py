from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "自动监测"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reports.check_prefill import PREFILL_STEPS  # app start-up: plugs its steps into reports'
        from reports.circular import CIRCULAR_STEPS  # app start-up: plugs its steps into reports'

        from . import notify  # noqa: F401 - connects the finding notification (消息中心)
        from .indicators import circular_step, prefill_step  # app start-up: models are ready only in ready()

        PREFILL_STEPS.append(prefill_step)     # failed indicators prefill the 检查结果信息表 rows
        CIRCULAR_STEPS.append(circular_step)   # the 通报 counts failures per indicator
