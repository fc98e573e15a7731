"""The roles of govmedia and the access declarations built from them.

A role is derived from the user (never stored twice): the org unit's level tells GB, L1
and lower org units apart; a filer unit or a website operator is its own role; ops staff
use the Django admin only.
"""
from enum import StrEnum

from django.db import models


class Role(StrEnum):
    GB = "gb"          # 国务院办公厅, root of the tree
    L1 = "l1"          # 省、国务院部门组织单位
    ORG = "org"        # 省/部级以下组织单位
    FILER = "filer"    # 填报单位
    SITE = "site"      # 网站（标识码登录）
    OPS = "ops"        # 运维人员 (Django admin)


class OpsRole(models.TextChoices):
    """三员分立: the three roles of ops staff (accounts/ops_roles.py, decision 0054)."""

    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


ROLE_LABELS = {
    Role.GB: "国务院办公厅",
    Role.L1: "省、国务院部门组织单位",
    Role.ORG: "省/部级以下组织单位",
    Role.FILER: "填报单位",
    Role.SITE: "网站",
    Role.OPS: "运维人员",
}


class Access(frozenset):
    """Who may open a route. `PUBLIC` admits everyone, the anonymous included."""

    public = False

    def admits(self, role: Role | None) -> bool:
        return self.public or (role is not None and role in self)

    def __or__(self, other: "Access") -> "Access":
        if self.public or getattr(other, "public", False):
            return PUBLIC
        return Access(frozenset(self) | frozenset(other))

    def __repr__(self) -> str:
        return "PUBLIC" if self.public else "Access(%s)" % ",".join(sorted(self))


class _Public(Access):
    public = True


PUBLIC = _Public()
GB_ONLY = Access({Role.GB})
L1_ONLY = Access({Role.L1})
ORG_UNITS = Access({Role.GB, Role.L1, Role.ORG})
SUPERVISORS = Access({Role.L1, Role.ORG})          # org units that supervise filer units
FILERS = Access({Role.FILER})
SITES = Access({Role.SITE})
SIGNED_IN = Access({Role.GB, Role.L1, Role.ORG, Role.FILER, Role.SITE})
