"""The notification settings, read at call time (tests override them with override_settings).

Every value has a default here; a deployment sets them in its settings module.
"""
from django.conf import settings

DEFAULTS = {
    "NOTIFY_MAX_ATTEMPTS": 3,          # gateway calls per SMS / e-mail before it is 发送失败
    "NOTIFY_RETRY_SECONDS": 60,        # wait before the 2nd attempt; ×4 before each further one (60 s, 4 min, …)
    "NOTIFY_LEASE_SECONDS": 300,       # a channel 发送中 this long lost its worker: the sweeper re-queues it
    "NOTIFY_FINDING_DIGEST_OVER": 20,  # more findings of one unit in one monitoring chunk: one digest message
    # Kinds folded into one message per recipient and day (decision 0051): the first of the day is
    # sent (站内, SMS, e-mail as chosen); the next ones only update that message (count, list).
    "NOTIFY_DIGEST_KINDS": ("review_waiting", "review_rejected", "finding"),
    "NOTIFY_DIGEST_LINES": 20,         # titles listed in a digest's text, newest first
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
