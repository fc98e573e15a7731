"""Demo data (SPEC §13): a login for every org unit and filer units around 北京市 / 海淀区 and
国家税务总局, all with the demo password. Safe to run twice."""
import os

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import crypto
from accounts.filer_services import create_filer_unit
from accounts.models import User
from orgtree.models import FilerUnit, OrgUnit

# (org code, full name, unit info filled in?) — names from the manual's examples.
DEMO_FILERS = [
    ("110000", "北京市商务局", True),
    ("110000", "北京市公安局", True),
    ("110108", "海淀区上庄镇政府", True),
    ("110108", "海淀区燕园街道办事处", True),
    ("110108", "海淀区教育委员会", False),  # not logged in yet: shows the initial password and the first-login step
    ("110105", "朝阳区商务局", True),
    ("bm2900", "国家税务总局办公厅", True),
    ("bm2904", "山西省税务局办公室", True),
    ("bm3400", "应急管理部新闻宣传司", True),
]


class Command(BaseCommand):
    help = "创建演示数据：组织单位用户与北京市、海淀区、国家税务总局下的填报单位（可重复执行）。"

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or "Demo@2026"
        call_command("create_org_users", demo_password=password, stdout=self.stdout)
        hashed = make_password(password)
        created = 0
        with transaction.atomic():
            for org_code, name, complete in DEMO_FILERS:
                if FilerUnit.objects.filter(name=name, status=FilerUnit.Status.ACTIVE).exists():
                    continue
                org = OrgUnit.objects.get(code=org_code)
                l1 = org if org.level == 1 else OrgUnit.objects.get(code=org.ancestor_codes[1])
                creator = User.objects.get(username=l1.code)
                filer, _ = create_filer_unit(creator, org, name)
                user = filer.user
                if complete:
                    n = created + 1
                    FilerUnit.objects.filter(pk=filer.pk).update(
                        head_name="张伟", head_title="办公室主任", head_mobile=f"1381000{n:04d}", head_landline="010-62750000",
                        contact_name="李娜", contact_title="新媒体专员", contact_mobile=f"1391000{n:04d}",
                        info_completed_at=timezone.now(),
                    )
                    user.password = hashed  # the shared demo password; the unit has "changed" it
                    user.initial_password_encrypted = ""
                else:
                    user.password = hashed
                    user.initial_password_encrypted = crypto.encrypt(password)
                user.must_change_password = False  # the demo shares one password (SPEC §13), like its org units
                user.save(update_fields=["password", "initial_password_encrypted", "must_change_password"])
                created += 1
        self.stdout.write(f"新建演示填报单位 {created} 个。")
