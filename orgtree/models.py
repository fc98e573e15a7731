"""The tree of organisation units (组织单位).

Each unit carries a materialized path of the codes from the root down to itself
(`/GB0000/110000/110108/`), so "everything under X" is one indexed prefix scan
(`path LIKE '/GB0000/110000/%'`, served by the varchar_pattern_ops index Django adds
to an indexed CharField on PostgreSQL).
"""
from django.db import models

from govmedia.common import gm
from govmedia.common.fastload import FastLoad

ROOT_CODE = "GB0000"
CODE_REGEX = r"^[A-Za-z0-9]{6}$"


# The levels of the tree below GB (an org unit's or an account's org path depth), as 数据看板 and the
# 新媒体账号信息 filter name them.
LEVEL_LABELS = {1: "省级、国务院部门本级", 2: "市级、垂管省局", 3: "县级、地方部门", 4: "乡镇及以下"}


def level_path_regex(level: int) -> str:
    """The org paths of one level: "/GB0000/110000/" is level 1 (one code below the root)."""
    return rf"^/[^/]+(/[^/]+){{{int(level)}}}/$"


class OrgUnit(FastLoad, models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "国务院办公厅"
        REGION = "region", "地方"
        MINISTRY = "ministry", "国务院部门"

    code = models.CharField("组织单位代码", max_length=6, unique=True)
    name = models.CharField("单位名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", help_text="0 为国务院办公厅，1 为省级和国务院部门")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级组织单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=200, db_index=True, editable=False)
    is_active = models.BooleanField("启用", default=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = gm.EncryptedCharField("联系电话", max_length=30, blank=True)
    contact_email = gm.EncryptedEmailField("电子邮箱", blank=True)

    class Meta:
        verbose_name = "组织单位"
        verbose_name_plural = "组织单位"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, level=0) | models.Q(parent__isnull=False, level__gt=0),
                name="orgunit_root_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_root(self) -> bool:
        return self.level == 0

    @property
    def is_level1(self) -> bool:
        return self.level == 1

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to this unit, itself included."""
        return [code for code in self.path.split("/") if code]

    @property
    def tier_label(self) -> str:
        """The manual's name of the tier a filer unit attached here belongs to (添加填报单位 step 1)."""
        return tier_label(self.kind, self.level)

    @property
    def org_tier_label(self) -> str:
        """The manual's name of the org unit's own level (省级组织单位, 国务院部委组织单位 …), as
        组织单位信息查询 shows it; `tier_label` names the tier of a filer unit attached here."""
        if self.kind == OrgUnit.Kind.REGION:
            return ORG_REGION_TIERS.get(min(self.level, 3), "")
        if self.kind == OrgUnit.Kind.MINISTRY:
            return MINISTRY_TIERS.get(min(self.level, 3), "")
        return "国务院办公厅"


REGION_TIERS = {1: "省直", 2: "市直", 3: "县直"}
# The manual's words for the region org units themselves (01/02: 隶属于省级组织单位 / 市级组织单位).
ORG_REGION_TIERS = {1: "省级组织单位", 2: "市级组织单位", 3: "县级组织单位"}
MINISTRY_TIERS = {1: "国务院部委组织单位", 2: "省级垂直管理机构组织单位", 3: "地市级（及以下）垂直管理机构组织单位"}


def tier_label(kind: str, level: int) -> str:
    if kind == OrgUnit.Kind.REGION:
        return REGION_TIERS.get(min(level, 3), "")
    if kind == OrgUnit.Kind.MINISTRY:
        return MINISTRY_TIERS.get(min(level, 3), "")
    return "国务院办公厅"


class FilerUnit(FastLoad, models.Model):
    """A department that runs accounts (填报单位), attached to the org unit that supervises it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        DELETED = "deleted", "已删除"

    code = models.CharField("单位唯一标识", max_length=10, unique=True, editable=False)
    name = models.CharField("填报单位全称", max_length=100)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属组织单位", on_delete=models.PROTECT, related_name="filer_units")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    version = models.PositiveIntegerField(default=0, db_default=0, editable=False)  # the review engine's version check
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    # 新媒体工作负责人 (all required once filled in)
    head_name = models.CharField("负责人姓名", max_length=30, blank=True)
    head_title = models.CharField("负责人职务", max_length=50, blank=True)
    head_mobile = gm.EncryptedCharField("负责人手机号", max_length=11, blank=True)
    head_landline = models.CharField("负责人座机号", max_length=30, blank=True)
    # 新媒体工作联系人 (landline optional)
    contact_name = models.CharField("联系人姓名", max_length=30, blank=True)
    contact_title = models.CharField("联系人职务", max_length=50, blank=True)
    contact_mobile = gm.EncryptedCharField("联系人手机号", max_length=11, blank=True)
    contact_landline = models.CharField("联系人座机号", max_length=30, blank=True)
    info_completed_at = models.DateTimeField("单位信息补填时间", null=True, blank=True)
    # Maintained by the media-account rules on every change of an account's status:
    # media_count is the manual's 账号数量 (every status but 未提交/添加待审核/添加被驳回/关停);
    # account_total counts every live record of any status (drafts included): deletable iff 0.
    media_count = models.PositiveIntegerField("账号数量", default=0, db_index=True)
    account_total = models.PositiveIntegerField("账号记录总数", default=0)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)
    delete_reason = models.CharField("删除原因", max_length=100, blank=True)
    deleted_by = models.CharField("删除单位", max_length=120, blank=True)

    class Meta:
        verbose_name = "填报单位"
        verbose_name_plural = "填报单位"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(status="active"), name="filerunit_live_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "status"], name="filerunit_org_status"),
                   # 填报单位用户管理's default order, newest first: its first page and its deep pages walk it.
                   models.Index(fields=["-created_at", "-id"], name="filerunit_recent")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def info_complete(self) -> bool:
        return self.info_completed_at is not None


class CodeSequence(models.Model):
    """The last serial handed out within a scope (an org unit's filer codes, a filer's media
    codes of one type, an org unit's site codes). Serials are never reused."""

    scope = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "编码序号"
        verbose_name_plural = "编码序号"
