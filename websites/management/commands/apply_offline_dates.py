"""The daily offline-date job (docs/deploy.md): approved temporary offlines (临时下线) start on
their 下线日期 and end on their 恢复开通时间, journaled by the system. Safe to run twice, or on
two machines at once (each site is taken with FOR UPDATE SKIP LOCKED)."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from websites.services import apply_due_offline_dates


class Command(BaseCommand):
    help = "按下线日期和恢复开通时间执行临时下线与恢复（每天凌晨运行一次，可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="以该日期（YYYY-MM-DD，北京时间）为今天运行；默认今天")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。")
        done = apply_due_offline_dates(today)
        self.stdout.write(f"{today:%Y-%m-%d}：开始临时下线 {done['start_temporary_offline']} 个，"
                          f"恢复开通 {done['end_temporary_offline']} 个网站。")
