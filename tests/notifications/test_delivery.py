"""Delivery of SMS and e-mail is at least once: 待发送 → 发送中 → 已发送 only after the gateway
returned; a failure is retried with backoff, 发送失败 after the last attempt with the error kept; a
worker that dies holding a claim is found by the sweeper after the lease; two workers given the
same ids send each message once. E-mail: Django's locmem backend; SMS: accounts.sms's outbox."""
import smtplib
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import sms
from jobs import schedule
from notifications import delivery
from notifications.models import Delivery, Notification
from notifications.services import Message, send
from tests.jobs_helpers import run_queued_jobs


class WorkerDied(BaseException):
    """What a killed worker looks like from the row's side: the claim committed, nothing after it."""


@pytest.fixture(autouse=True)
def _outboxes(settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_SECONDS = 60
    settings.NOTIFY_LEASE_SECONDS = 300
    sms.outbox.clear()
    mail.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def haidian_mail(tree):
    tree["110108"].contact_phone, tree["110108"].contact_email = "010-12345678", "gk@haidian.gov.cn"
    tree["110108"].save()


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def reminder(chain, text="检查结果信息表报送提醒") -> Notification:
    """截止日期临近 to 上庄镇 (站内 + 短信 by default; a filer unit has no e-mail address)."""
    send([Message(chain["shangzhuang"], "deadline", text, f"{text}：今日截止")])
    return Notification.objects.filter(user=chain["shangzhuang"]).latest("pk")


def test_a_worker_dying_between_claim_and_send_ends_in_exactly_one_send(client, chain, login, monkeypatch):
    row = reminder(chain)
    assert row.sms_state == Delivery.PENDING and row.sms_attempts == 0 and row.sms_next_at is not None

    def killed(n, channel):
        raise WorkerDied
    monkeypatch.setattr(delivery, "_send", killed)
    with pytest.raises(WorkerDied):
        delivery.deliver_now([row.pk])
    row.refresh_from_db()
    assert row.sms_state == Delivery.SENDING and row.sms_attempts == 1 and row.sms_claimed_at is not None
    login(chain["shangzhuang"])
    # 消息中心 shows delivery only when it failed (issue 30): never 已发送 for a message not sent.
    assert "已发送" not in client.get("/notifications/").content.decode()
    monkeypatch.undo()

    run_queued_jobs()  # the queued task comes along: the channel is claimed, it leaves it alone
    assert delivery.sweep() == "短信和邮件：重新排队 0 条，中断后标记发送失败 0 条"  # still within the lease
    assert sms.outbox == []

    with later(301):
        entry = schedule.SCHEDULE["notification_delivery"]  # every 5 minutes, in the scheduler's tick
        assert entry.inline and entry.every == timedelta(minutes=5)
        assert entry.call(timezone.now()) == "短信和邮件：重新排队 1 条，中断后标记发送失败 0 条"
        assert delivery.sweep().startswith("短信和邮件：重新排队 0 条")  # twice: nothing more
        run_queued_jobs()
        run_queued_jobs()
    assert [m.message for m in sms.outbox] == ["检查结果信息表报送提醒：今日截止"]
    row.refresh_from_db()
    assert row.sms_state == Delivery.SENT and row.sms_attempts == 2 and row.sms_error == ""
    with later(3600):
        delivery.sweep()
        run_queued_jobs()
    assert len(sms.outbox) == 1


def test_a_slow_worker_that_outlived_its_lease_still_marks_its_send_and_the_requeue_sends_nothing(chain, monkeypatch):
    row = reminder(chain)
    real = delivery._send

    def slow(n, channel):  # the sweeper gives the claim up while the gateway call is still under way
        assert delivery.sweep(timezone.now() + timedelta(seconds=301)).startswith("短信和邮件：重新排队 1 条")
        real(n, channel)
    monkeypatch.setattr(delivery, "_send", slow)
    delivery.deliver_now([row.pk])
    monkeypatch.undo()
    row.refresh_from_db()
    assert row.sms_state == Delivery.SENT and row.sms_attempts == 1  # marked on its own attempt
    run_queued_jobs()  # the original task and the sweeper's: both find 已发送
    assert len(sms.outbox) == 1


def test_a_task_that_never_ran_is_requeued_by_the_sweeper(chain):
    row = reminder(chain)
    DBTaskResult.objects.all().delete()  # the worker holding it died before it claimed anything
    run_queued_jobs()
    assert sms.outbox == []
    with later(301):
        assert delivery.sweep().startswith("短信和邮件：重新排队 1 条")
        run_queued_jobs()
        assert delivery.sweep().startswith("短信和邮件：重新排队 0 条")  # its due time moved: not every minute
    row.refresh_from_db()
    assert row.sms_state == Delivery.SENT and len(sms.outbox) == 1


def test_a_transient_failure_is_retried_after_the_backoff_then_sent(chain, monkeypatch):
    calls = []

    def busy_once(mobile, message):
        calls.append(mobile)
        if len(calls) == 1:
            raise sms.SmsSendError("网关繁忙")
        sms.LocmemBackend().send(mobile, message)
    monkeypatch.setattr("accounts.sms.send_sms", busy_once)
    row = reminder(chain)
    run_queued_jobs()
    row.refresh_from_db()
    assert row.sms_state == Delivery.PENDING and row.sms_attempts == 1 and row.sms_error == "SmsSendError: 网关繁忙"
    assert row.sms_next_at - row.sms_claimed_at == timedelta(seconds=60)
    run_queued_jobs()  # the retry is deferred: not yet
    assert len(calls) == 1 and sms.outbox == []
    with later(61):
        run_queued_jobs()
    row.refresh_from_db()
    assert row.sms_state == Delivery.SENT and row.sms_attempts == 2 and row.sms_error == ""
    assert [m.mobile for m in sms.outbox] == ["13900000002"] and len(calls) == 2


def test_a_failure_on_every_attempt_shows_failed_with_the_error(client, admin_user, chain, haidian_mail, monkeypatch,
                                                                 login):
    def unreachable(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("邮件服务器无响应")
    monkeypatch.setattr("django.core.mail.send_mail", unreachable)
    send([Message(chain["haidian"], "review_waiting", "待审核：新媒体账号“上庄发布”")])  # 站内 + 邮件 by default
    row = Notification.objects.get(user=chain["haidian"])
    run_queued_jobs()
    with later(61):
        run_queued_jobs()
    with later(61 + 241):  # 60 s, then 240 s
        run_queued_jobs()
    with later(3600):
        run_queued_jobs()
        delivery.sweep()
        run_queued_jobs()
    row.refresh_from_db()
    assert row.email_state == Delivery.FAILED and row.email_attempts == 3
    assert row.email_error == "SMTPServerDisconnected: 邮件服务器无响应" and mail.outbox == []
    login(chain["haidian"])
    assert "电子邮件发送失败" in client.get("/notifications/").content.decode()
    login(admin_user)
    page = client.get("/ops-admin/notifications/notification/").content.decode()
    assert "发送失败" in page and "邮件：SMTPServerDisconnected: 邮件服务器无响应" in page
    detail = client.get(f"/ops-admin/notifications/notification/{row.pk}/change/").content.decode()
    assert "邮件最近错误" in detail and "邮件服务器无响应" in detail


def test_a_refused_recipient_fails_at_once_and_a_sms_succeeds_beside_it(chain, haidian_mail, monkeypatch):
    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"gk@haidian.gov.cn": (550, b"no such user")})
    monkeypatch.setattr("django.core.mail.send_mail", refused)
    user = chain["haidian"]
    user.preferences = {"notifications": {"review_waiting": ["site", "sms", "email"]}}
    user.save()
    user.org_unit.contact_phone = "13700001111"
    user.org_unit.save()
    send([Message(user, "review_waiting", "待审核：新媒体账号“上庄发布”")])
    run_queued_jobs()
    row = Notification.objects.get(user=user)
    assert row.email_state == Delivery.FAILED and row.email_attempts == 1 and "550" in row.email_error
    assert row.sms_state == Delivery.SENT and [m.mobile for m in sms.outbox] == ["13700001111"]


def test_a_worker_dying_on_its_last_attempt_is_failed_by_the_sweeper(chain, monkeypatch, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    row = reminder(chain)

    def killed(n, channel):
        raise WorkerDied
    monkeypatch.setattr(delivery, "_send", killed)
    with pytest.raises(WorkerDied):
        delivery.deliver_now([row.pk])
    with later(301):
        assert delivery.sweep() == "短信和邮件：重新排队 0 条，中断后标记发送失败 1 条"
    row.refresh_from_db()
    assert row.sms_state == Delivery.FAILED and row.sms_error == "发送中断：处理进程未在 300 秒内完成发送（进程退出或超时）"


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_ids_send_each_message_once(chain, monkeypatch):
    """Worker A claims the first message and hangs in the gateway; worker B (its own connection)
    delivers the same ids meanwhile; then A goes on. Each message reaches the gateway once."""
    rows = [reminder(chain, f"提醒 {n}") for n in range(5)]
    ids = [r.pk for r in rows]
    DBTaskResult.objects.all().delete()  # the two workers below are the only deliveries
    a_in_gateway, b_done = threading.Event(), threading.Event()
    gateway = []

    def slow_gateway(mobile, message):
        if threading.current_thread().name == "worker-a" and not a_in_gateway.is_set():
            a_in_gateway.set()
            b_done.wait(30)
        gateway.append(message)
    monkeypatch.setattr("accounts.sms.send_sms", slow_gateway)
    results = {}

    def worker():
        try:
            results[threading.current_thread().name] = delivery.deliver_now(ids)
        finally:
            connection.close()

    a = threading.Thread(target=worker, name="worker-a")
    a.start()
    assert a_in_gateway.wait(30)
    b = threading.Thread(target=worker, name="worker-b")
    b.start()
    b.join(30)
    b_done.set()
    a.join(30)
    assert sorted(gateway) == sorted(f"提醒 {n}：今日截止" for n in range(5))
    assert results == {"worker-a": "已发送 1 条，稍后重试 0 条，失败 0 条", "worker-b": "已发送 4 条，稍后重试 0 条，失败 0 条"}
    assert set(Notification.objects.filter(pk__in=ids).values_list("sms_state", "sms_attempts")) == {(Delivery.SENT, 1)}
