"""The worker: `manage.py jobs_worker` runs queued jobs (exports, scheduled entries) until stopped.
Run one or more per machine, on as many machines as needed (docs/deploy.md). It is django-tasks-db's
`db_worker` on every queue; `--with-scheduler` also ticks the scheduler every 30 s (the demo and
single-machine installs, instead of the systemd timer)."""
import logging
import threading

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from jobs.schedule import tick


class Command(DbWorkerCommand):
    help = "运行后台任务（导出、定时任务）。可在多台服务器上同时运行。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument("--with-scheduler", action="store_true",
                            help="Also run the scheduler tick every 30 s (demo / one machine).")

    def handle(self, *args, with_scheduler=False, **options):
        if with_scheduler:
            stop = threading.Event()
            threading.Thread(target=_scheduler_loop, args=(stop,), daemon=True, name="scheduler").start()
        super().handle(*args, **options)


def _scheduler_loop(stop, every: float = 30.0):
    while True:
        try:
            tick()
        except Exception:  # noqa: BLE001 - logged; the next tick tries again
            logging.getLogger("jobs").exception("scheduler tick failed")
        finally:
            connection.close()
        if stop.wait(every):
            return
