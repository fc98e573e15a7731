"""Give every org unit without a login its user (username = unit code).

All created users get the password given (hashed once: with thousands of units, hashing
per user would take minutes). In production pass --must-change so each unit sets its own
password at first login; the demo uses the shared demo password as SPEC §13 fixes it.
"""
import os

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from orgtree.models import OrgUnit


class Command(BaseCommand):
    help = "为尚无登录用户的组织单位创建用户（用户名为单位代码）。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", ""))
        parser.add_argument("--must-change", action="store_true", help="首次登录须修改密码")

    @transaction.atomic
    def handle(self, *args, password="", must_change=False, **options):
        if not password:
            raise CommandError("请用 --password 或环境变量 DEMO_PASSWORD 指定初始密码。")
        hashed = make_password(password)
        taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
        new_users = [
            User(username=unit.code, kind=User.Kind.ORG, org_unit=unit, password=hashed, must_change_password=must_change)
            for unit in OrgUnit.objects.order_by("path").only("pk", "code")
            if unit.code.lower() not in taken
        ]
        User.objects.bulk_create(new_users, batch_size=1000)
        self.stdout.write(f"新建组织单位用户 {len(new_users)} 个。")
