from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from verify.services import publish_open_data


class Command(BaseCommand):
    help = "发布开放数据：当日全部正常账号与网站的 CSV、JSON 与清单（manifest），并删除保留期外的旧文件。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="快照日期 YYYY-MM-DD（默认今天，北京时间）")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD")
        manifest = publish_open_data(day)
        counts = manifest["counts"]
        self.stdout.write(f"{manifest['date']}：账号 {counts['accounts']} 个，网站 {counts['websites']} 个")
