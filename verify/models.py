"""What the public side keeps: imitation reports (举报仿冒账号), successors of closed accounts and
their reuse watch, and the accountability figures per org unit and quarter."""
from django.db import models

from govmedia.common import gm


class ImitationStatus(models.TextChoices):
    PENDING = "pending", "待核查"
    IMITATION = "imitation", "仿冒"
    GENUINE = "genuine", "非仿冒"
    HANDLED = "handled", "已处置"


class ImitationReport(models.Model):
    """One link reported (or looked up repeatedly) as an imitation of a government account,
    routed to the org unit whose accounts are nearest by name and type (GB when none). Its state
    moves only through verify.imitation.WORKFLOW (reviews.engine)."""

    class Source(models.TextChoices):
        REPORT = "report", "群众举报"
        LOOKUPS = "lookups", "多次查询未登记"

    link = models.CharField("链接", max_length=1000)
    link_key = models.CharField("链接标识", max_length=1100, db_index=True, editable=False)
    account_type = models.CharField("平台", max_length=2, blank=True)
    claimed = models.CharField("冒充的账号或单位", max_length=100, blank=True)
    contact = gm.EncryptedCharField("举报人联系方式", max_length=100, blank=True)  # SM4-GCM at rest (0052)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.REPORT)
    reports = models.PositiveIntegerField("举报次数", default=0)
    lookups = models.PositiveIntegerField("查询次数", default=0)
    org_unit = models.ForeignKey("orgtree.OrgUnit", verbose_name="核查单位", on_delete=models.PROTECT,
                                 related_name="+")
    org_path = models.CharField("组织路径", max_length=200, db_index=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=ImitationStatus.choices, default=ImitationStatus.PENDING)
    note = models.CharField("核查说明", max_length=500, blank=True)
    created_at = models.DateTimeField("首次举报时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    decided_at = models.DateTimeField("核查时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "举报仿冒账号"
        ordering = ["-updated_at", "-id"]
        constraints = [
            # one open item per link: a second report or look-up adds to it
            models.UniqueConstraint(fields=["link_key"], condition=models.Q(status="pending"),
                                    name="imitation_one_pending_per_link"),
        ]
        indexes = [models.Index(fields=["org_path", "status", "-updated_at"], name="imitation_scope_status")]

    def __str__(self) -> str:
        return f"{self.claimed or '未说明'}（{self.link[:60]}）"

    @property
    def status_label(self) -> str:
        return ImitationStatus(self.status).label


class Succession(models.Model):
    """继任账号: named when an account is closed; /verify/ and the badge say 已关停，请关注 X."""

    account = models.OneToOneField("accounts_media.MediaAccount", verbose_name="已关停账号", primary_key=True,
                                   on_delete=models.CASCADE, related_name="succession")
    successor = models.ForeignKey("accounts_media.MediaAccount", verbose_name="继任账号", on_delete=models.CASCADE,
                                  related_name="+")
    created_at = models.DateTimeField("设定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "继任账号"


class ReuseWatch(models.Model):
    """The reuse watch of a closed account's link: whether it answers again (someone else may hold
    the handle now) and when the org unit was told."""

    account = models.OneToOneField("accounts_media.MediaAccount", primary_key=True, on_delete=models.CASCADE,
                                   related_name="reuse_watch")
    checked_at = models.DateTimeField("最近检查", null=True, blank=True)
    status = models.PositiveSmallIntegerField("HTTP 状态", null=True, blank=True)
    active = models.BooleanField("链接可访问", default=False)
    notified_at = models.DateTimeField("已通知", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "关停账号复用监测"


class AccountabilityFigure(models.Model):
    """One org unit's figures for one quarter (verify.accountability, rebuilt by the open-data job)."""

    quarter = models.CharField("季度", max_length=7)  # 2026Q4
    org_unit = models.ForeignKey("orgtree.OrgUnit", on_delete=models.CASCADE, related_name="+")
    org_code = models.CharField("组织单位代码", max_length=30)
    org_name = models.CharField("组织单位", max_length=120)
    level = models.PositiveSmallIntegerField("级别")
    registered = models.PositiveIntegerField("新登记账号数", default=0)
    median_filing_days = models.FloatField("开设至备案天数（中位数）", null=True)
    late_filing_share = models.FloatField("逾期备案占比", null=True)
    reviews = models.PositiveIntegerField("审核次数", default=0)
    median_review_wait_days = models.FloatField("审核等待天数（中位数）", null=True)
    findings_opened = models.PositiveIntegerField("监测发现问题数", default=0)
    findings_fixed = models.PositiveIntegerField("已整改问题数", default=0)
    median_fix_days = models.FloatField("整改天数（中位数）", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开履职数据"
        constraints = [models.UniqueConstraint(fields=["quarter", "org_unit"], name="accountability_one_per_quarter")]
        indexes = [models.Index(fields=["quarter", "org_code"], name="accountability_quarter_code")]
