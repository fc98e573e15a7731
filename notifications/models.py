"""One notification per recipient user: what the 消息中心 lists, and how far its SMS and e-mail got.

Each channel (SMS, e-mail) moves 待发送 → 发送中 (claimed by a worker: claimed-at, attempt + 1) →
已发送 once the gateway returned; a failure goes back to 待发送 with the next attempt's time, or
发送失败 after the last attempt, the last error kept (notifications/services.py, docs/decisions/0030)."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.common import gm
from govmedia.common.fastload import FastLoad
from .kinds import KINDS


class Delivery(models.TextChoices):
    NONE = "", "不发送"
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    NO_ADDRESS = "no_address", "无联系方式"


class Notification(FastLoad, models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收用户", on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField("类型", max_length=30)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    shown = models.BooleanField("站内显示", default=True)
    sms_state = models.CharField("短信", max_length=12, choices=Delivery.choices, blank=True, default="")
    sms_to = gm.EncryptedCharField("短信号码", max_length=20, blank=True)  # SM4-GCM at rest (decision 0052)
    sms_attempts = models.PositiveSmallIntegerField("短信发送次数", default=0)
    sms_claimed_at = models.DateTimeField("短信开始发送时间", null=True, blank=True)
    sms_next_at = models.DateTimeField("短信下次发送时间", null=True, blank=True)
    sms_error = models.CharField("短信最近错误", max_length=500, blank=True)
    email_state = models.CharField("电子邮件", max_length=12, choices=Delivery.choices, blank=True, default="")
    email_to = gm.EncryptedCharField("邮件地址", max_length=254, blank=True)
    email_attempts = models.PositiveSmallIntegerField("邮件发送次数", default=0)
    email_claimed_at = models.DateTimeField("邮件开始发送时间", null=True, blank=True)
    email_next_at = models.DateTimeField("邮件下次发送时间", null=True, blank=True)
    email_error = models.CharField("邮件最近错误", max_length=500, blank=True)
    # A digest (one per kind and day, decision 0051): how many messages it holds.
    count = models.PositiveIntegerField("条数", default=1)
    # Sent at most once per key and user (the daily reminders: "ageing:<unit>:<date>"; digests:
    # "digest:<kind>:<date>").
    dedupe_key = models.CharField("去重键", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True, shown=True), name="notification_unread"),
            # The sweeper's two questions per channel: which claims outlived the lease, which waits are overdue.
            models.Index(fields=["sms_claimed_at"], condition=models.Q(sms_state="sending"), name="notification_sms_sending"),
            models.Index(fields=["sms_next_at"], condition=models.Q(sms_state="pending"), name="notification_sms_pending"),
            models.Index(fields=["email_claimed_at"], condition=models.Q(email_state="sending"),
                         name="notification_email_sending"),
            models.Index(fields=["email_next_at"], condition=models.Q(email_state="pending"),
                         name="notification_email_pending"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind
