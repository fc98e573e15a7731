"""The hooks for notifications (issue 18 item 5), sent by `runner.announce` after a run's chunk has
committed, never inside it (a receiver's failure is logged and never loses the run's results):

- `findings_opened(findings=[Finding, …])`: once per chunk, with every finding the chunk opened
  (`account` and `website` loaded). Receivers that read the database connect here and work on the
  whole list in a few queries (monitoring/notify.py: the owners' 消息中心, one `send()` per chunk).
- `finding_opened(finding=Finding)`: then once per new finding, for receivers that need no query
  (counting, logging); anything that queries per finding belongs on `findings_opened`.

The message an owner reads is `finding.message(today)` ("您的账号 X：已 17 天未更新").
"""
from django.dispatch import Signal

findings_opened = Signal()
finding_opened = Signal()
