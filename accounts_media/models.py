from django.db import models

from govmedia.common import gm
from govmedia.common.fastload import FastLoad

from .platforms import WECHAT_KIND_CHOICES, display_type, type_choices


class Status(models.TextChoices):
    DRAFT = "draft", "未提交"
    ADD_PENDING = "add_pending", "添加待审核"
    ADD_REJECTED = "add_rejected", "添加被驳回"
    NORMAL = "normal", "正常"
    MODIFY_PENDING = "modify_pending", "修改待审核"
    MODIFY_REJECTED = "modify_rejected", "修改被驳回"
    CLOSE_PENDING = "close_pending", "关停待审核"
    CLOSE_REJECTED = "close_rejected", "关停被驳回"
    CLOSED = "closed", "关停"
    RESTORE_PENDING = "restore_pending", "恢复待审核"
    RESTORE_REJECTED = "restore_rejected", "恢复被驳回"


STATUS_LABELS = dict(Status.choices)


def functions_text(publish: bool, service: bool, interact: bool, other: bool, other_text: str) -> str:
    """功能 as lists and exports show it: 信息发布；办事服务；其他(…)."""
    parts = [label for flag, label in ((publish, "信息发布"), (service, "办事服务"), (interact, "互动交流")) if flag]
    if other:
        parts.append(f"其他({other_text})" if other_text else "其他")
    return "；".join(parts)


# 账号数量 counts every status but these (SPEC §5).
NOT_COUNTED = {Status.DRAFT, Status.ADD_PENDING, Status.ADD_REJECTED, Status.CLOSED}
COUNTED = [s for s in Status.values if s not in NOT_COUNTED]
PENDING = {Status.ADD_PENDING, Status.MODIFY_PENDING, Status.CLOSE_PENDING, Status.RESTORE_PENDING}
REJECTED = {Status.ADD_REJECTED, Status.MODIFY_REJECTED, Status.CLOSE_REJECTED, Status.RESTORE_REJECTED}


class MediaAccount(FastLoad, models.Model):
    class Removal(models.TextChoices):
        DRAFT_DELETED = "draft_deleted", "删除未提交"
        ABANDONED = "abandoned", "放弃添加申请"
        DELETED = "deleted", "删除（退出监管）"

    filer_unit = models.ForeignKey("orgtree.FilerUnit", verbose_name="填报单位", on_delete=models.PROTECT,
                                   related_name="media_accounts")
    org_path = models.CharField("组织路径", max_length=200, db_index=True, editable=False)
    media_code = models.CharField("新媒体标识码", max_length=20, unique=True, null=True, blank=True, editable=False)
    account_type = models.CharField("账号类型", max_length=2, choices=type_choices())
    wechat_kind = models.CharField("微信公众号类型", max_length=12, choices=WECHAT_KIND_CHOICES, blank=True)
    platform_name = models.CharField("其他账号类型/平台名称", max_length=50, blank=True)
    url = models.CharField("文章链接/主页链接/下载链接", max_length=1000)
    platform_id = models.CharField("账号ID（biz/oid/ID）", max_length=1100, editable=False)
    name = models.CharField("名称", max_length=100)
    operator = models.CharField("开设主体", max_length=100)
    represents_government = models.BooleanField("账号是否代表省/市/县（区）人民政府或国务院部门")
    func_publish = models.BooleanField("信息发布", default=False)
    func_service = models.BooleanField("办事服务", default=False)
    func_interact = models.BooleanField("互动交流", default=False)
    func_other = models.BooleanField("其他功能", default=False)
    func_other_text = models.CharField("其他功能说明", max_length=100, blank=True)
    contact_name = models.CharField("账号联系人姓名", max_length=30, blank=True)
    contact_title = models.CharField("账号联系人职务", max_length=50, blank=True)
    contact_mobile = gm.EncryptedCharField("账号联系人手机号", max_length=11, blank=True)
    contact_landline = models.CharField("账号联系人座机号", max_length=30, blank=True)
    # 开设时间 (optional): when the account was opened on its platform. New accounts must be filed
    # within 3 working days of it (the county notice); `submitted_on` is the first 提交 and
    # `filed_late` the 逾期备案 flag computed then (accounts_media.filing).
    opened_on = models.DateField("开设时间", null=True, blank=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True, editable=False)
    filed_late = models.BooleanField("逾期备案", default=False, editable=False)

    status = models.CharField("状态", max_length=20, choices=Status.choices, db_index=True)
    reviewer = models.ForeignKey("orgtree.OrgUnit", verbose_name="审核定位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # When the request reached the unit it waits at (the engine stamps it as 审核定位 changes).
    reviewer_since = models.DateTimeField("到达审核单位时间", null=True, blank=True, editable=False)
    pending_changes = gm.EncryptedContactsJSONField("待审核的修改", default=dict, blank=True)
    request_data = gm.EncryptedContactsJSONField("关停/恢复申请", default=dict, blank=True)
    last_review = gm.EncryptedContactsJSONField("最近一次审核", default=dict, blank=True)
    restore_requested = models.BooleanField("已申请过关停恢复", default=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    removal = models.CharField("移除方式", max_length=20, choices=Removal.choices, blank=True)
    removal_reason = models.CharField("删除原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "新媒体账号"
        verbose_name_plural = "新媒体账号"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["account_type", "platform_id"], condition=models.Q(removed_at__isnull=True),
                                    name="media_live_type_platform_id_unique"),
            # 审核定位 exists exactly while a request waits: 待审核 is then just "reviewer = me".
            models.CheckConstraint(condition=models.Q(reviewer__isnull=True) | models.Q(status__in=sorted(PENDING)),
                                   name="media_reviewer_only_while_pending"),
        ]
        indexes = [
            # The lists' default order (修改时间, newest first) over live rows, deep pages included.
            models.Index(fields=["-updated_at", "-id"], condition=models.Q(removed_at__isnull=True),
                         include=["status"], name="media_live_recent"),
            # 未提交 of an org unit: the few drafts (3 % of the accounts) in list order. Walking
            # media_live_recent for them read 31,000 rows to find a province's first 20 (14 ms).
            models.Index(fields=["-updated_at", "-id"], condition=models.Q(removed_at__isnull=True, status="draft"),
                         name="media_drafts_recent"),
            # 待审核: only pending requests have a reviewer; read in list order straight from the index.
            models.Index(fields=["reviewer", "-updated_at", "-id"], condition=models.Q(reviewer__isnull=False),
                         name="media_pending_at"),
            models.Index(fields=["filer_unit", "status"], name="media_filer_status"),
            # 超期待审核: the waiting requests by the time they reached their unit (pending rows only).
            models.Index(fields=["reviewer_since"], condition=models.Q(reviewer__isnull=False), name="media_waiting_since"),
            # 数据看板's 待审核 panels: a subtree's waiting requests counted by age and by unit from the
            # index alone (an index-only scan: GB's ~24,000 in ~190 pages, not ~9,000 heap pages).
            models.Index(fields=["org_path", "reviewer_since"], opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                         include=["reviewer"], condition=models.Q(reviewer__isnull=False, removed_at__isnull=True),
                         name="media_waiting_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.media_code or self.get_status_display()}）"

    @property
    def is_live(self) -> bool:
        return self.removed_at is None

    @property
    def functions_display(self) -> str:
        return functions_text(self.func_publish, self.func_service, self.func_interact, self.func_other,
                              self.func_other_text)

    @property
    def type_display(self) -> str:
        return display_type(self.account_type, self.wechat_kind or None, self.platform_name)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
