"""manage.py verify_journal [--since YYYY-MM-DD]: recompute the journal's HMAC-SM3 chains and name
the first broken link of each partition (decision 0053). Exit status 1 when one is broken."""
import sys
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reviews import audit


class Command(BaseCommand):
    help = "校验操作日志（流水）的 HMAC-SM3 链，指出每个分区第一个被修改或删除的记录。"

    def add_arguments(self, parser):
        parser.add_argument("--since", help="只校验此日期（北京时间，YYYY-MM-DD）以来的记录")

    def handle(self, *args, since=None, **options):
        start = None
        if since:
            try:
                start = timezone.make_aware(datetime.strptime(since, "%Y-%m-%d"))
            except ValueError as exc:
                raise CommandError("--since 的格式为 YYYY-MM-DD") from exc
        check = audit.verify_and_record(since=start)
        self.stdout.write(f"校验 {check.checked} 条记录" + (f"（启用链之前的记录 {check.unsealed} 条未校验）" if check.unsealed else ""))
        if check.ok:
            self.stdout.write("完整：未发现修改或删除。")
            return
        for line in check.problems.splitlines():
            self.stdout.write(f"断链：{line}")
        sys.exit(1)
