"""Give every org unit without a login its user (username = unit code), each with its own
random initial password (docs/deploy.md, 首次安装).

The unit directly above sees a unit's initial password in 用户设置 → 下级组织单位用户 until the
unit changes it (it must, at first login). GB0000 has no unit above: its password is printed
here once. `--demo-password` is for the demo and the benchmark only (SPEC §13): every unit
then shares that password.
"""
from django.core.management.base import BaseCommand

from accounts.org_credentials import create_demo_org_users, create_org_users


class Command(BaseCommand):
    help = "为尚无登录用户的组织单位创建用户（用户名为单位代码，每个单位一个随机初始密码）。"

    def add_arguments(self, parser):
        parser.add_argument("--demo-password", default="", help="仅用于演示数据：所有组织单位共用此密码")

    def handle(self, *args, demo_password="", **options):
        if demo_password:
            count = create_demo_org_users(demo_password)
            self.stdout.write(f"新建组织单位用户 {count} 个（演示数据，共用演示密码）。")
            return
        count, root_password = create_org_users()
        self.stdout.write(f"新建组织单位用户 {count} 个，每个单位一个随机初始密码，由直属上级组织单位在"
                          "“用户设置 → 下级组织单位用户”中查看并线下派发，首次登录须修改。")
        if root_password:
            self.stdout.write(self.style.WARNING(
                f"国务院办公厅（GB0000）初始密码（只显示这一次，请立即记录并当面交付）：{root_password}"))
