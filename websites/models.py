from django.conf import settings
from django.db import models

from govmedia.common import gm
from govmedia.common.fastload import FastLoad
from django.utils import timezone


class Filing(models.TextChoices):
    """申报状态 (the manual's 六、报送系统状态解释), as the org units see it."""

    DRAFT = "draft", "未提交"
    REVIEWING = "reviewing", "审核中"
    REVIEWED = "reviewed", "已审核"
    DONE = "done", "已办结"
    REJECTED = "rejected", "审核未通过"
    MODIFYING = "modifying", "办结后修改"
    MODIFY_REJECTED = "modify_rejected", "修改后审核未通过"


# The operator's side of the same statuses (the manual's 六、报送系统状态解释).
OPERATOR_LABELS = {"modifying": "修改未审核", "done": "修改审核通过"}

# 栏目（系统）categories of the basic-information form.
COLUMN_CATEGORIES = ["概况信息", "机构职能", "负责人信息", "政策文件", "政策解读", "回应关切", "办事服务", "互动交流", "政府信息公开"]


class RunStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    TEMP_OFFLINE = "temp_offline", "临时下线"
    PERMANENT_OFFLINE = "permanent_offline", "永久下线"
    EMERGENCY_OFFLINE = "emergency_offline", "紧急下线"
    EXCEPTION = "exception", "例外"
    DELETED = "deleted", "删除"


class Offline(models.TextChoices):
    """下线申请 state, beside the 申报状态."""

    NONE = "none", "无"
    PENDING = "pending", "下线待审核"
    APPROVED = "approved", "下线申请通过"


RESTORABLE = {RunStatus.TEMP_OFFLINE, RunStatus.PERMANENT_OFFLINE, RunStatus.EMERGENCY_OFFLINE,
              RunStatus.EXCEPTION, RunStatus.DELETED}


def _day(value) -> str:
    """A date of the 运行状态 labels; a row without it (carried over from an earlier system, where
    the workflow did not ask for it) reads （日期未填写） rather than failing the whole list."""
    return f"{value:%Y-%m-%d}" if value else "（日期未填写）"


PENDING_FILINGS = {Filing.REVIEWING, Filing.REVIEWED, Filing.MODIFYING}

# The 下线申请's 审核定位 and the time it reached that unit (OFFLINE_WORKFLOW.waiting; review ageing, decision 0031).
OFFLINE_WAITING = ("offline_reviewer", "offline_reviewer_since")


class Website(FastLoad, models.Model):
    name = models.CharField("网站名称", max_length=100)
    homepage = models.CharField("首页网址", max_length=300)
    homepage_key = models.CharField("首页网址（规范化）", max_length=300, editable=False)
    org_unit = models.ForeignKey("orgtree.OrgUnit", verbose_name="网站组织单位", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField("组织路径", max_length=200, db_index=True, editable=False)
    sponsor = models.CharField("主办单位", max_length=100)
    # The 主办单位 as a filer unit, where known: the quarterly self-check puts the site on that
    # unit's sheet by id; a site with only the text is matched by name (decision 0021).
    sponsor_filer_unit = models.ForeignKey("orgtree.FilerUnit", verbose_name="主办单位（填报单位）", null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    operator_unit = models.CharField("承办单位", max_length=100)
    icp_number = models.CharField("ICP备案编号", max_length=50)
    police_record = models.CharField("公安机关备案标识", max_length=50, blank=True)
    party_gov_mark = models.CharField("党政机关网站标识", max_length=50, blank=True)
    is_portal = models.BooleanField("本级政府门户", default=False)
    is_service_platform = models.BooleanField("政务服务平台", default=False)
    head_name = models.CharField("负责人姓名", max_length=30)
    head_title = models.CharField("负责人职务", max_length=50)
    head_mobile = gm.EncryptedCharField("负责人手机", max_length=11)
    head_landline = models.CharField("负责人座机", max_length=30, blank=True)
    head_email = gm.EncryptedEmailField("负责人邮箱", blank=True)
    contact_name = models.CharField("联系人姓名", max_length=30)
    contact_title = models.CharField("联系人职务", max_length=50)
    contact_mobile = gm.EncryptedCharField("联系人手机", max_length=11)
    contact_landline = models.CharField("联系人座机", max_length=30, blank=True)
    contact_email = gm.EncryptedEmailField("联系人邮箱")
    other_domains = models.JSONField("其他域名", default=list, blank=True)
    columns = models.JSONField("栏目信息", default=dict, blank=True)

    filing = models.CharField("申报状态", max_length=20, choices=Filing.choices, default=Filing.DRAFT, db_index=True)
    run_status = models.CharField("运行状态", max_length=20, choices=RunStatus.choices, default=RunStatus.NORMAL)
    reviewer = models.ForeignKey("orgtree.OrgUnit", verbose_name="审核定位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # When the filing request reached the unit it waits at (stamped by the engine).
    reviewer_since = models.DateTimeField("到达审核单位时间", null=True, blank=True, editable=False)
    last_review = gm.EncryptedContactsJSONField("最近一次审核", default=dict, blank=True)
    pending_changes = gm.EncryptedContactsJSONField("待审核的修改", default=dict, blank=True)
    offline_state = models.CharField("下线申请", max_length=10, choices=Offline.choices, default=Offline.NONE)
    offline_kind = models.CharField("下线类型", max_length=10, blank=True)       # temporary / permanent
    offline_from = models.DateField("下线日期", null=True, blank=True)
    offline_until = models.DateField("恢复开通时间", null=True, blank=True)   # temporary and emergency
    offline_reason = models.CharField("下线原因", max_length=500, blank=True)
    temp_offline_year = models.PositiveSmallIntegerField("最近一次临时下线年份", null=True, blank=True)
    offline_reviewer = models.ForeignKey("orgtree.OrgUnit", verbose_name="下线审核定位", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    # When the 下线申请 reached the unit it waits at (stamped by the engine, OFFLINE_WORKFLOW.waiting).
    offline_reviewer_since = models.DateTimeField("到达下线审核单位时间", null=True, blank=True, editable=False)
    tracking_code = models.CharField("临时码", max_length=16, unique=True)
    final_approved_at = models.DateTimeField("办结时间", null=True, blank=True)
    site_code = models.CharField("网站标识码", max_length=10, unique=True, null=True, blank=True)
    verification_encrypted = models.TextField("校验码（加密，展示一次后清除）", blank=True)
    verification_shown_at = models.DateTimeField("校验码展示时间", null=True, blank=True)
    operator_user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="website")
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "政府网站"
        verbose_name_plural = "政府网站"
        ordering = ["-id"]
        constraints = [
            # A rejected application frees its name, homepage and portal place (junk applications cannot block).
            models.UniqueConstraint(fields=["homepage_key"], condition=~models.Q(filing="rejected"),
                                    name="website_homepage_unique"),
            models.UniqueConstraint(fields=["name"], condition=~models.Q(filing="rejected"), name="website_name_unique"),
            # 本级政府门户: at most one per org unit.
            models.UniqueConstraint(fields=["org_unit"], condition=models.Q(is_portal=True) & ~models.Q(filing="rejected"),
                                    name="website_one_portal_per_org"),
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=True) | models.Q(filing__in=["draft", "reviewing", "reviewed", "modifying"]),
                name="website_reviewer_only_while_pending"),
        ]
        indexes = [
            # 超期待审核: the waiting requests by the time they reached their unit (pending rows only).
            models.Index(fields=["reviewer_since"], condition=models.Q(reviewer__isnull=False), name="website_waiting_since"),
            # The same for the 下线申请 waiting at a unit (review ageing, decision 0031).
            models.Index(fields=["offline_reviewer_since"], condition=models.Q(offline_reviewer__isnull=False),
                         name="website_offline_waiting_since"),
            # 下线审核's notice of the 紧急下线 past their reopening date, in date order: the few sites
            # offline in an emergency, not a scan of every website (GB: 15,000 rows, 11 ms).
            models.Index(fields=["offline_until"], condition=models.Q(run_status="emergency_offline"),
                         name="website_emergency_until"),
            # 数据看板's 待审核 panels: a subtree's waiting requests counted from the index alone.
            models.Index(fields=["org_path", "reviewer_since"], opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                         include=["reviewer"], condition=models.Q(reviewer__isnull=False), name="website_waiting_scope"),
            models.Index(fields=["org_path", "offline_reviewer_since"], opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                         include=["offline_reviewer"], condition=models.Q(offline_reviewer__isnull=False),
                         name="website_offline_waiting_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.site_code or self.get_filing_display()}）"

    @property
    def operator_may_log_in(self) -> bool:
        """A site marked 删除 or 永久下线 has no operator any more (issue 19): its login is refused
        and open sessions end; restoring the site to 正常 lets it in again."""
        return self.run_status not in (RunStatus.DELETED, RunStatus.PERMANENT_OFFLINE)

    @property
    def emergency_overdue(self) -> bool:
        """紧急下线 past its expected reopen date: flagged to the chain, which restores it or keeps
        it offline (docs/decisions/0016-offline-dates.md)."""
        return (self.run_status == RunStatus.EMERGENCY_OFFLINE and self.offline_until is not None
                and self.offline_until < timezone.localdate())

    @property
    def run_status_label(self) -> str:
        """运行状态 as the org units read it (the manual's 六、报送系统状态解释)."""
        if self.run_status == RunStatus.TEMP_OFFLINE:
            return f"暂时下线恢复开通时间：{_day(self.offline_until)}"
        if self.run_status == RunStatus.EMERGENCY_OFFLINE:
            overdue = "（已超过预计上线日期，请恢复正常或继续下线）" if self.emergency_overdue else ""
            return f"网站运行状态为：紧急下线并于{_day(self.offline_until)}上线{overdue}"
        if self.offline_state == Offline.APPROVED and self.offline_kind == "temporary" and self.offline_from:
            return f"正常（临时下线审核通过，将于{_day(self.offline_from)}下线，{_day(self.offline_until)}恢复开通）"
        if self.offline_state == Offline.APPROVED and self.offline_kind == "permanent":
            return "正常（已批准下线，待完成下线）"
        return self.get_run_status_display()

    @property
    def operator_run_label(self) -> str:
        if self.run_status == RunStatus.EMERGENCY_OFFLINE:
            return f"紧急下线，并于{_day(self.offline_until)}上线"
        if self.run_status == RunStatus.TEMP_OFFLINE or self.offline_state == Offline.APPROVED:
            return "下线申请通过"
        if self.offline_state == Offline.PENDING:
            return "下线待审核"
        return self.get_run_status_display()

    @property
    def operator_filing_label(self) -> str:
        """The 申报状态 as the website operator reads it."""
        if self.filing == Filing.DONE and self.last_review.get("kind") != "change":
            return "已办结"
        return OPERATOR_LABELS.get(self.filing, self.get_filing_display())


gm.register_column("websites.website", "verification_encrypted", legacy="accounts.crypto.plain_of_legacy")
