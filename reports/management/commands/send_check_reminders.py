from django.core.management.base import BaseCommand

from reports.check_reminders import send_reminders


class Command(BaseCommand):
    help = "催报: the reminders of the 检查结果信息表 due today (提前 / 当日 / 逾期; safe to run again)."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"reminded {count} sheet(s)")
