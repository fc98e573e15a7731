from django.core.management.base import BaseCommand

from reports.check_services import REMIND_DAYS_BEFORE, send_reminders


class Command(BaseCommand):
    help = "催报: remind units whose 检查结果信息表 is due in N days or today (run once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=REMIND_DAYS_BEFORE)

    def handle(self, *args, days_before, **options):
        count = send_reminders(days_before=days_before)
        self.stdout.write(f"reminded {count} sheet(s)")
