"""What monitoring plugs in at start-up (MonitoringConfig.ready), in this order: the finding
notification (消息中心: `notify` connects its receiver), then its steps in reports' self-check
prefill (failed indicators prefill the 检查结果信息表 rows) and in the quarterly 通报 (failures counted
per indicator)."""
from reports.check_prefill import PREFILL_STEPS
from reports.circular import CIRCULAR_STEPS

from . import notify  # noqa: F401  (connects the finding notification)
from .indicators import circular_step, prefill_step

PREFILL_STEPS.append(prefill_step)     # failed indicators prefill the 检查结果信息表 rows
CIRCULAR_STEPS.append(circular_step)   # the 通报 counts failures per indicator
