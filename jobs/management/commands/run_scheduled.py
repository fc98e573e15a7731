"""`manage.py run_scheduled`: one scheduler tick (the systemd timer runs it every minute, on any
number of nodes: each period of each entry is enqueued once)."""
from django.core.management.base import BaseCommand

from jobs.schedule import SCHEDULE, tick


class Command(BaseCommand):
    help = "定时任务：将到期的定时任务放入后台任务队列（每分钟运行一次，可多台服务器同时运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="List the scheduled entries and exit.")

    def handle(self, *args, list=False, **options):
        if list:
            for entry in SCHEDULE.values():
                when = f"每天 {entry.daily_at:%H:%M}" if entry.daily_at else f"每 {int(entry.every.total_seconds())} 秒"
                self.stdout.write(f"{entry.name:20s} {when:14s} {entry.label}  ({entry.func})")
            return
        started = tick()
        if started and options["verbosity"] > 0:
            self.stdout.write("已入队：" + "，".join(started))
