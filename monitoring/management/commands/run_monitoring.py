"""`manage.py run_monitoring`: a check run for ops, in this process (or --enqueue: on the job queue)."""
import time

from django.core.management.base import BaseCommand, CommandError

from monitoring import conf, runner


class Command(BaseCommand):
    help = "自动监测：检查政府网站（首页、证书、备案标识、栏目链接）和新媒体账号（链接、更新日期、客户端下载）"

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=[runner.WEBSITES, runner.ACCOUNTS], help="只检查网站或账号")
        parser.add_argument("--enqueue", action="store_true", help="分块放入后台任务队列，由 jobs_worker 执行")

    def handle(self, *args, only=None, enqueue=False, **options):
        if not conf.get("MONITORING_ENABLED"):
            raise CommandError("自动监测已关闭（MONITORING_ENABLED=0）")
        kinds = (only,) if only else (runner.WEBSITES, runner.ACCOUNTS)
        if enqueue:
            self.stdout.write(runner.start_run(kinds=kinds))
            return
        started = time.monotonic()

        def progress(run):
            if options["verbosity"] > 1 or run.chunks_done == run.chunks_total:
                self.stdout.write(f"{run.objects_done}/{run.objects_total}（{run.percent}%）")

        run = runner.run_now(kinds=kinds, progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"监测批次 {run.pk} 完成：{run.objects_total} 个对象，新发现问题 {run.opened} 个，恢复 {run.closed} 个，"
            f"并发 {run.concurrency}，用时 {time.monotonic() - started:.1f} 秒"))
