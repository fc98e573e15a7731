"""Delivering the SMS and e-mail of notifications: at least once, each channel of each row on its own.

A channel moves through compare-and-set UPDATEs on (row, state, attempt counter):

    待发送 ──claim──▶ 发送中 (claimed_at, attempts + 1) ──gateway returned──▶ 已发送
                          │ gateway error: attempts < NOTIFY_MAX_ATTEMPTS ──▶ 待发送 (next_at = now + backoff)
                          │ gateway error: the last attempt (or a permanent refusal) ──▶ 发送失败 (error kept)
                          └ no answer within NOTIFY_LEASE_SECONDS (the worker died) ──sweep()──▶ 待发送 / 发送失败

The claim is one UPDATE per row and channel just before its gateway call (so the lease only has to
cover one call, never a whole batch); two workers given the same ids claim each channel once. The
row is marked only after the gateway returned: a worker that dies after the gateway accepted but
before the mark leaves 发送中, and the sweeper sends it again — a message can go twice, never be
lost while showing 已发送 (docs/decisions/0030).
"""
import logging
import smtplib
from collections import defaultdict
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import conf
from .models import Delivery, Notification
from accounts import sms
from django.core import mail

logger = logging.getLogger("govmedia.notifications")
CHANNELS = ("sms", "email")
TASK_IDS = 1000  # ids per re-queued delivery task
INTERRUPTED = "发送中断：处理进程未在 {s} 秒内完成发送（进程退出或超时）"


def email_text(n: Notification) -> str:
    text = n.body or n.title
    return f"{text}\n\n请登录全国政务新媒体与政府网站报送系统查看：{n.link}" if n.link else text


def _send(n: Notification, channel: str) -> None:
    """One gateway call; raises on failure. Looked up at call time (tests swap the backends)."""
    if channel == "sms":
        sms.send_sms(n.sms_to, n.body or n.title)
    else:
        mail.send_mail(n.title, email_text(n), None, [n.email_to])


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1, 2, …): NOTIFY_RETRY_SECONDS, then ×4 each time."""
    return timedelta(seconds=conf.get("NOTIFY_RETRY_SECONDS") * 4 ** (attempt - 1))


def is_permanent(exc: Exception) -> bool:
    """A refusal no retry can mend: every recipient refused by the mail server, or a gateway error
    raised with `permanent = True` (an SMS backend's invalid-number answer)."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused) or bool(getattr(exc, "permanent", False))


def _fields(channel: str, **values) -> dict:
    return {f"{channel}_{name}": value for name, value in values.items()}


def _due(channel: str, now) -> Q:
    return Q(**{f"{channel}_next_at__isnull": True}) | Q(**{f"{channel}_next_at__lte": now})


@task(queue_name="default")
def deliver(ids: list[int]) -> str:
    """The delivery task on the job queue (django-tasks; any worker runs it). A retry is the same
    task enqueued with run_after (the database backend supports deferred tasks)."""
    return deliver_now(ids)


def deliver_now(ids: list[int]) -> str:
    """The delivery task: every channel of these rows that is 待发送 and due, claimed then sent."""
    done = defaultdict(int)
    retries: dict[int, list] = {}  # attempt → [latest due time, ids]: one deferred task per backoff step
    pending = Q(sms_state=Delivery.PENDING) | Q(email_state=Delivery.PENDING)
    for n in Notification.objects.filter(pending, pk__in=ids).order_by("pk").iterator(chunk_size=500):
        for channel in CHANNELS:
            outcome = _deliver(n, channel)
            if isinstance(outcome, tuple):
                attempt, due = outcome
                step = retries.setdefault(attempt, [due, []])
                step[0], step[1] = max(step[0], due), step[1] + [n.pk]
                outcome = "retry"
            if outcome:
                done[outcome] += 1
    if retries:
        for due, retry_ids in retries.values():
            deliver.using(run_after=due).enqueue(sorted(set(retry_ids)))
    return f"已发送 {done['sent']} 条，稍后重试 {done['retry']} 条，失败 {done['failed']} 条"


def _deliver(n: Notification, channel: str):
    """One channel of one row: None (not ours to send), "sent", "failed" or (attempt, next due time)."""
    state, attempts = getattr(n, f"{channel}_state"), getattr(n, f"{channel}_attempts")
    now = timezone.now()
    due_at = getattr(n, f"{channel}_next_at")
    if state != Delivery.PENDING or (due_at is not None and due_at > now):
        return None
    attempt = attempts + 1
    claimed = (Notification.objects.filter(_due(channel, now), pk=n.pk, **_fields(channel, state=Delivery.PENDING,
                                                                                  attempts=attempts))
               .update(**_fields(channel, state=Delivery.SENDING, attempts=attempt, claimed_at=now)))
    if not claimed:
        return None  # another worker claimed it (or it changed since this task read it)
    try:
        _send(n, channel)
    except Exception as exc:  # noqa: BLE001 - any gateway error is this attempt's failure, the batch goes on
        return _failed(n, channel, attempt, now, exc)
    # Marked on this attempt only: a sweeper that gave the claim up meanwhile, or marked it 发送失败,
    # is overruled (the message did go); a later attempt's claim is not.
    Notification.objects.filter(pk=n.pk, **_fields(channel, attempts=attempt)).update(
        **_fields(channel, state=Delivery.SENT, next_at=None, error=""))
    return "sent"


def _failed(n: Notification, channel: str, attempt: int, claimed_at, exc: Exception):
    error = (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:500]
    mine = Notification.objects.filter(pk=n.pk, **_fields(channel, state=Delivery.SENDING, attempts=attempt))
    if is_permanent(exc) or attempt >= conf.get("NOTIFY_MAX_ATTEMPTS"):
        logger.warning("notification %s: %s not sent (attempt %s, final): %s", n.pk, channel, attempt, error)
        mine.update(**_fields(channel, state=Delivery.FAILED, next_at=None, error=error))
        return "failed"
    due = claimed_at + retry_delay(attempt)  # the backoff counts from the attempt's start
    logger.warning("notification %s: %s not sent (attempt %s, retry at %s): %s", n.pk, channel, attempt, due, error)
    mine.update(**_fields(channel, state=Delivery.PENDING, next_at=due, error=error))
    return attempt, due


def sweep(now=None) -> str:
    """Scheduled every 5 minutes (jobs/schedule.py "notification_delivery", in the tick); safe to run twice.

    - a channel 发送中 for longer than NOTIFY_LEASE_SECONDS lost its worker: back to 待发送 and
      re-queued, or 发送失败 when that was its last attempt;
    - a channel 待发送 and due for longer than the lease (its task was never run: a worker died
      holding it, or the deferred retry was lost) is re-queued, and its due time moved to now so
      the next sweep leaves it alone for another lease.
    """
    now = now or timezone.now()
    lease = conf.get("NOTIFY_LEASE_SECONDS")
    cutoff = now - timedelta(seconds=lease)
    last = conf.get("NOTIFY_MAX_ATTEMPTS")
    requeue: set[int] = set()
    failed = 0
    for channel in CHANNELS:
        stale = Notification.objects.filter(**_fields(channel, state=Delivery.SENDING, claimed_at__lt=cutoff))
        failed += stale.filter(**_fields(channel, attempts__gte=last)).update(
            **_fields(channel, state=Delivery.FAILED, next_at=None, error=INTERRUPTED.format(s=lease)))
        ids = list(stale.values_list("pk", flat=True))
        requeue |= set(ids)
        stale.filter(pk__in=ids).update(**_fields(channel, state=Delivery.PENDING, next_at=now,
                                                  error=INTERRUPTED.format(s=lease)))
        overdue = Notification.objects.filter(**_fields(channel, state=Delivery.PENDING, next_at__lt=cutoff))
        ids = list(overdue.values_list("pk", flat=True))
        requeue |= set(ids)
        overdue.filter(pk__in=ids).update(**_fields(channel, next_at=now))
    ordered = sorted(requeue)
    for start in range(0, len(ordered), TASK_IDS):
        deliver.enqueue(ordered[start:start + TASK_IDS])
    return f"短信和邮件：重新排队 {len(requeue)} 条，中断后标记发送失败 {failed} 条"
