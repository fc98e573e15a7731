"""The menus of each role, as the manuals name them."""
from dataclasses import dataclass

from accounts.roles import Access, FILERS, L1_ONLY, ORG_UNITS, Role, SIGNED_IN, SITES


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    access: Access
    section: str = ""  # URL namespace or name prefix that marks the item active


MENU = (
    MenuItem("新媒体账号信息", "media:list", ORG_UNITS | FILERS, "media"),
    MenuItem("填报单位用户管理", "filer_units:list", ORG_UNITS, "filer_units"),
    MenuItem("检查结果信息表", "checks:home", ORG_UNITS | FILERS, "checks"),
    MenuItem("上报抽查情况", "reports:list", Access({Role.GB, Role.L1}), "reports"),
    # 【待核查账号】: the manual's menu; its label follows the latest notice the unit received.
    MenuItem("待核查账号", "notices:list", ORG_UNITS | FILERS, "notices"),
    MenuItem("政府网站", "websites:review_list", ORG_UNITS, "websites"),
    MenuItem("政府网站信息", "websites:site_home", SITES, "websites"),
    MenuItem("数据看板", "dashboard:home", ORG_UNITS, "dashboard"),
    MenuItem("下载中心", "jobs:center", ORG_UNITS | FILERS, "jobs"),
    MenuItem("操作日志", "journal:org_log", ORG_UNITS, "journal"),
    MenuItem("消息中心", "notifications:center", SIGNED_IN, "notifications"),
    MenuItem("用户设置", "accounts:settings", SIGNED_IN, "accounts"),
)


def menu_for(role: Role | None) -> list[MenuItem]:
    if role is None:
        return []
    return [item for item in MENU if Access(item.access).admits(role)]


__all__ = ["MENU", "MenuItem", "menu_for", "L1_ONLY"]
