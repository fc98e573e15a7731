from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.common import gm
from govmedia.common.fastload import FastLoad


class JournalEntry(FastLoad, models.Model):
    """One event in the life of a reviewed object (流水 / 操作日志). Never edited."""

    subject_type = models.CharField("对象类型", max_length=30)
    subject_id = models.BigIntegerField("对象编号")
    at = models.DateTimeField("时间", default=timezone.now)  # set before sealing: the chain's mac covers it
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作用户", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_unit_code = models.CharField("操作单位代码", max_length=30, blank=True)
    actor_unit_name = models.CharField("操作单位", max_length=120, blank=True)
    person_name = models.CharField("经办人", max_length=30, blank=True)
    person_phone = gm.EncryptedCharField("经办人电话", max_length=30, blank=True)  # SM4-GCM at rest (0052)
    action = models.CharField("操作", max_length=40)
    action_label = models.CharField("操作名称", max_length=40)
    status_before = models.CharField("操作前状态", max_length=30, blank=True)
    status_after = models.CharField("操作后状态", max_length=30, blank=True)
    result = models.CharField("审核结果", max_length=40, blank=True)
    reason = models.TextField("原因/意见", blank=True)
    changes = gm.EncryptedContactsJSONField("变更字段", default=list, blank=True)  # [{"field","label","old","new"}]
    data = gm.EncryptedContactsJSONField("申请内容", default=dict, blank=True)
    position = models.CharField("审核定位", max_length=120, blank=True)
    # The audit fields (reviews/journal.py): the subject as it read then, the client's address,
    # and the org path whose subtree sees the entry on its 操作日志 page ("" for none).
    subject_label = models.CharField("对象", max_length=200, blank=True, default="", db_default="")
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    scope_path = models.CharField("管理范围路径", max_length=200, blank=True, default="", db_default="")
    # The tamper evidence (reviews/chain.py, decision 0053): partition, place and HMAC-SM3 of the chain.
    chain_partition = models.SmallIntegerField("链分区", null=True, blank=True, editable=False)
    chain_seq = models.BigIntegerField("链序号", null=True, blank=True, editable=False)
    chain_mac = models.CharField("链校验值（HMAC-SM3）", max_length=64, blank=True, default="", db_default="",
                                 editable=False)

    class Meta:
        verbose_name = "流水（操作日志）"
        verbose_name_plural = "流水（操作日志）"
        ordering = ["subject_type", "subject_id", "at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="journal_subject"),
            # The admin's default order (newest first), its action and unit filters, and the org
            # units' 操作日志 page (a prefix scan of scope_path, newest first): each one index.
            models.Index(fields=["-at", "-id"], name="journal_recent"),
            models.Index(fields=["action", "-at"], name="journal_action"),
            models.Index(fields=["actor_unit_code", "-at"], name="journal_actor_unit"),
            models.Index(fields=["scope_path", "-at"], name="journal_scope", opclasses=["varchar_pattern_ops", ""],
                         condition=~models.Q(scope_path="")),
            # 操作日志 reads only filer-unit and org-unit entries: a small index of its own, so a
            # unit whose subtree has few of them never walks the whole table by date.
            models.Index(fields=["scope_path", "-at"], name="journal_org_log", opclasses=["varchar_pattern_ops", ""],
                         condition=models.Q(subject_type__in=["filer_unit", "org_unit"])),
            models.Index(fields=["ip_address", "-at"], name="journal_address"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain_partition", "chain_seq"], name="journal_chain_place",
                                    condition=models.Q(chain_seq__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_unit_name} {self.action_label}"


class JournalChainHead(models.Model):
    """The newest link of one partition of the journal's chain (reviews/chain.py); locked while a
    transaction appends to that partition."""

    partition = models.SmallIntegerField("链分区", primary_key=True)
    seq = models.BigIntegerField("链序号", default=0)
    mac = models.CharField("链校验值", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "流水链头"
        verbose_name_plural = "流水链头"


class JournalCheck(models.Model):
    """One verification of the journal's chain (`verify_journal`, the daily scheduled check)."""

    at = models.DateTimeField("校验时间", default=timezone.now, db_index=True)
    ok = models.BooleanField("完整")
    checked = models.BigIntegerField("校验条数", default=0)
    unsealed = models.BigIntegerField("启用链前的记录", default=0)
    problems = models.TextField("发现的问题", blank=True)

    class Meta:
        verbose_name = "审计日志完整性校验"
        verbose_name_plural = "审计日志完整性校验"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {'完整' if self.ok else '发现篡改'}"


class JournalArchive(models.Model):
    """One month of the journal or of the login access log, archived to a stored file (retention)."""

    class Kind(models.TextChoices):
        JOURNAL = "journal", "操作日志（流水）"
        ACCESS = "access", "登录访问日志"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    month = models.CharField("月份", max_length=7)  # YYYY-MM, Beijing time
    file_name = models.CharField("存储文件", max_length=255)
    rows = models.BigIntegerField("条数", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    created_at = models.DateTimeField("归档时间", default=timezone.now)

    class Meta:
        verbose_name = "审计日志归档"
        verbose_name_plural = "审计日志归档"
        ordering = ["-month", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "month"], name="journal_archive_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month}"
