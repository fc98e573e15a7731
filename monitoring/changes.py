"""The findings' and verdicts' change counter: every write of a monitoring run (findings opened,
updated or closed; verdicts recorded) bumps it at commit, so what is counted from them and kept
(数据看板's 监测发现 and 检查指标 panels) is counted again after the next change, never before."""
from django.db import transaction

from govmedia.ops import counters

GENERATION_KEY = "monitoring:generation"


def bump_generation() -> None:
    """Called inside the transaction that writes findings or verdicts: bumped at its commit."""
    transaction.on_commit(lambda: counters.incr(GENERATION_KEY))
