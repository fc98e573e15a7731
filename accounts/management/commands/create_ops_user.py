"""manage.py create_ops_user <username> --role sysadmin|secadmin|auditor: an ops login with one of
the three roles of 三员分立 (decision 0054), a random password printed once (changed at the first
login), no superuser. Then `manage.py ops_totp <username>` gives it its second factor."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.crypto import generate_password
from accounts.models import User
from govmedia.roles import OpsRole
from reviews import journal


class Command(BaseCommand):
    help = "新增运维人员（系统管理员 / 安全管理员 / 审计管理员，三者互斥），打印一次性初始密码。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in OpsRole])

    def handle(self, *args, username, role, **options):
        username = username.strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"用户名 {username} 已存在。")
        password = generate_password(12)
        with transaction.atomic():
            user = User.objects.create_user(username, password, kind=User.Kind.OPS, is_staff=True, ops_role=role,
                                            must_change_password=True)
            journal.record(user, "ops_user_create", None, after={"username": username, "ops_role": OpsRole(role).label})
        self.stdout.write(f"已新增运维人员 {username}（{OpsRole(role).label}），初始密码（只显示这一次）：{password}")
        self.stdout.write(f"下一步：manage.py ops_totp {username}")
