"""Delete expired 验证码 rows (CaptchaStore); safe to run at any time, on any one node."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from govmedia.common.captcha import cleanup_stale_captchas


class Command(BaseCommand):
    help = "清理已过期的图形验证码记录。"

    def handle(self, *args, **options):
        self.stdout.write(f"已清理过期验证码 {cleanup_stale_captchas(timezone.now())} 条。")
