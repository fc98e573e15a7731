"""The menus, as the manuals name them. Who sees an entry is not declared here: an entry shows
when the access map (govmedia/access.py, the routes' own declarations) lets the user open it."""
from dataclasses import dataclass

from .access import may_open


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    section: str = ""  # URL namespace or name prefix that marks the item active


MENU = (
    MenuItem("新媒体账号信息", "media:list", "media"),
    MenuItem("填报单位用户管理", "filer_units:list", "filer_units"),
    MenuItem("检查结果信息表", "checks:home", "checks"),
    MenuItem("上报抽查情况", "reports:list", "reports"),
    # 【待核查账号】: the manual's menu; its label follows the latest notice the unit received.
    MenuItem("待核查账号", "notices:list", "notices"),
    MenuItem("政府网站", "websites:review_list", "websites"),
    MenuItem("政府网站信息", "websites:site_home", "websites"),
    MenuItem("数据看板", "dashboard:home", "dashboard"),
    MenuItem("下载中心", "jobs:center", "jobs"),
    MenuItem("操作日志", "journal:org_log", "journal"),
    MenuItem("消息中心", "notifications:center", "notifications"),
    MenuItem("用户设置", "accounts:settings", "accounts"),
)


def menu_for(user) -> list[MenuItem]:
    """The entries `user` may open (none for the anonymous or for ops staff, who use the admin)."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "role", None) is None:
        return []
    return [item for item in MENU if may_open(user, item.url_name)]


__all__ = ["MENU", "MenuItem", "menu_for"]
