"""The hooks for notifications (issue 18 item 5), sent by `runner.announce` after a run's chunk has
committed, never inside it (a receiver's failure is logged and never loses the run's results):

- `findings_opened(findings=[Finding, …])`: once per chunk, with every finding the chunk opened
  (`account` and `website` loaded). A receiver works on the whole list in a few queries, never a
  few per finding (monitoring/notify.py: the owners' 消息中心, one `send()` per chunk).

The message an owner reads is `finding.message(today)` ("您的账号 X：已 17 天未更新").
"""
from django.dispatch import Signal

findings_opened = Signal()

# `findings_closed(findings=[Finding, …])`: once per chunk, the findings a passing check closed
# (the object recovered; never those closed because the object left monitoring). monitoring/notify.py
# tells the owners "已恢复" and marks their alert read.
findings_closed = Signal()
