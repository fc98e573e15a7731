"""Issue a new one-time password for an org unit's login, printed once (ops staff; the only
way for GB0000, which has no unit above)."""
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.org_credentials import OrgCredentialError, reset_org_password


class Command(BaseCommand):
    help = "重置组织单位用户的密码（一次性密码，只显示一次，下次登录须修改）。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="组织单位代码，如 GB0000")

    def handle(self, *args, code, **options):
        user = User.objects.filter(username__iexact=code.strip(), kind=User.Kind.ORG).first()
        if user is None:
            raise CommandError(f"组织单位用户 {code} 不存在。")
        try:
            password = reset_org_password(None, user)
        except OrgCredentialError as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.WARNING(f"{user.username} 的一次性密码（只显示这一次）：{password}"))
