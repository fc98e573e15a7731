"""`manage.py control_issue_codes`: codes for every account and website that has none (objects
registered before the control app, bulk imports); the hourly `control_codes` entry does the same."""
from django.core.management.base import BaseCommand

from control.backfill import BATCH, issue_missing


class Command(BaseCommand):
    help = "为尚无控制权验证码的新媒体账号和政府网站生成验证码（分批写入，可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help=f"每批对象数（默认 {BATCH}）")

    def handle(self, *args, batch=BATCH, **options):
        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"已生成 {done} 个")

        self.stdout.write(self.style.SUCCESS(issue_missing(batch=batch, progress=progress)))
