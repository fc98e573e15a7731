"""The tree of organisation units (组织单位).

Each unit carries a materialized path of the codes from the root down to itself
(`/GB0000/110000/110108/`), so "everything under X" is one indexed prefix scan
(`path LIKE '/GB0000/110000/%'`, served by the varchar_pattern_ops index Django adds
to an indexed CharField on PostgreSQL).
"""
from django.db import models

ROOT_CODE = "GB0000"
CODE_REGEX = r"^[A-Za-z0-9]{6}$"


class OrgUnit(models.Model):
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
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("电子邮箱", blank=True)

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

    def is_within(self, other: "OrgUnit") -> bool:
        """True when this unit is `other` or lies in its subtree."""
        return self.path.startswith(other.path)

    @property
    def tier_label(self) -> str:
        """The manual's name of the tier a filer unit attached here belongs to (添加填报单位 step 1)."""
        return tier_label(self.kind, self.level)


REGION_TIERS = {1: "省直", 2: "市直", 3: "县直"}
MINISTRY_TIERS = {1: "国务院部委组织单位", 2: "省级垂直管理机构组织单位", 3: "地市级（及以下）垂直管理机构组织单位"}


def tier_label(kind: str, level: int) -> str:
    if kind == OrgUnit.Kind.REGION:
        return REGION_TIERS.get(min(level, 3), "")
    if kind == OrgUnit.Kind.MINISTRY:
        return MINISTRY_TIERS.get(min(level, 3), "")
    return "国务院办公厅"
