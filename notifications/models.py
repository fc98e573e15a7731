"""One notification per recipient user: what the 消息中心 lists, and how far its SMS and e-mail got."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class Delivery(models.TextChoices):
    NONE = "", "不发送"
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    NO_ADDRESS = "no_address", "无联系方式"


class Notification(models.Model):
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
    sms_to = models.CharField("短信号码", max_length=20, blank=True)
    email_state = models.CharField("电子邮件", max_length=12, choices=Delivery.choices, blank=True, default="")
    email_to = models.CharField("邮件地址", max_length=254, blank=True)
    # Sent at most once per key and user (the daily reminders: "ageing:<unit>:<date>").
    dedupe_key = models.CharField("去重键", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True, shown=True), name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""),
                                    name="notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from .kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind
