"""Scheduled work on the job queue: one registry, one tick.

`manage.py run_scheduled` (a systemd timer every minute, on one node or several) calls `tick()`:
for every entry due, it inserts a ScheduledRun (entry, period) row — the unique constraint lets
exactly one node win each period — and enqueues the entry on the queue, where any worker runs it.
A daily entry's period is the date of its latest due time, so a tick missed at 16:00 (a node
down) still runs that day's job at the next tick. Entries marked `inline` (the watchdog that
retries jobs of dead workers) run in the tick itself, so they never wait for a worker.

Add an entry in one line:  schedule("name", "app.module.function", daily_at=time(3, 0), arg="today")
The function takes the tick's time (`arg="now"`), the Beijing date (`arg="today"`) or nothing, and
must be safe to run twice (a retry after a worker died runs it again).
"""
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .entries import SCHEDULE, Entry, execute_entry, schedule  # noqa: F401  (the tests and callers read them here)
from .models import ScheduledRun
from .tasks import run_scheduled_entry
from django_tasks_db.models import DBTaskResult

# --- the entries ---------------------------------------------------------------------------------
schedule("site_codes", "websites.services.generate_site_codes", daily_at=time(16, 0), arg="now",
         label="16:00 生成网站标识码")
schedule("expired_exports", "jobs.exports.delete_expired", every=timedelta(hours=1), arg="now",
         label="删除过期导出文件")
schedule("stalled_jobs", "jobs.services.reap_stalled", every=timedelta(minutes=1), arg="now", inline=True,
         label="重试或标记中断的后台任务")
schedule("prune_job_records", "jobs.schedule.prune_records", daily_at=time(3, 30), arg="now",
         label="清理过期的任务记录")
schedule("offline_dates", "websites.services.apply_due_offline_dates", daily_at=time(0, 5), arg="today",
         label="临时下线按下线日期开始、按恢复开通时间结束")
schedule("staging_files", "govmedia.common.storage.cleanup_stale_staging", daily_at=time(3, 40), arg="now",
         label="删除过期的导入暂存文件")
schedule("captchas", "govmedia.common.captcha.cleanup_stale_captchas", every=timedelta(hours=1), arg="now",
         label="删除过期的图片验证码")
schedule("open_data", "verify.services.publish_open_data", daily_at=time(2, 0), arg="today",
         label="发布当日开放数据")
schedule("reuse_watch", "verify.continuity.watch_reuse", daily_at=time(4, 10),
         label="已关停账号链接复用监测")
schedule("review_ageing", "dashboard.ageing.remind_overdue", daily_at=time(9, 0), arg="now",
         label="超期待审核提醒（每单位每日一次）")
schedule("dashboard_rollup", "dashboard.rollup.rebuild", daily_at=time(0, 20), arg="now",
         label="数据看板汇总（各单位账号数和流水按月汇总）")


# 等保 (decision 0053): the journal's chain checked daily for the 审计管理员; monthly audit archives.
schedule("journal_verify", "reviews.audit.daily_verification", daily_at=time(4, 10), arg="now",
         label="审计日志完整性校验（HMAC-SM3 链）")
schedule("audit_archive", "reviews.audit.archive_and_prune", daily_at=time(4, 40), arg="now",
         label="审计日志按月归档、清理超过保留期的登录访问日志")


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue (or run, if inline) every entry due in its current period, once across all nodes."""
    now = now or timezone.now()
    started = []
    for entry in SCHEDULE.values():
        period = entry.period(now)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=entry.name, period=period)
                if not entry.inline:
                    run_scheduled_entry.enqueue(entry.name, period)
        except IntegrityError:
            continue  # another node (or an earlier tick) has this period
        if entry.inline:
            try:
                execute_entry(entry.name, period, now)
            except Exception:  # noqa: BLE001 - recorded on its ScheduledRun; the other entries go on
                pass
        started.append(f"{entry.name}@{period}")
    return started


def prune_records(now: datetime, keep_days: int = 14) -> str:
    """Scheduled records and finished queue rows older than `keep_days` (the job rows of exports
    stay: they are the user's 下载中心 history)."""
    cutoff = now - timedelta(days=keep_days)
    runs, _ = ScheduledRun.objects.filter(enqueued_at__lt=cutoff).delete()
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"清理定时任务记录 {runs} 条、队列记录 {tasks} 条"
schedule("check_reminders", "reports.check_services.send_reminders", daily_at=time(8, 30), arg="today",
         label="检查结果信息表报送提醒（提前、当日、逾期）")
schedule("monitoring", "monitoring.runner.start_run", daily_at=time(1, 0), arg="now",
         label="自动监测：网站和新媒体账号（分块排队）")
schedule("notification_delivery", "notifications.delivery.sweep", every=timedelta(minutes=5), arg="now", inline=True,
         label="重新发送中断或到期重试的短信和邮件")
schedule("monitoring_results", "monitoring.runner.prune_results", daily_at=time(3, 50), arg="now",
         label="删除过期的监测结果")
schedule("control_codes", "control.backfill.issue_missing", every=timedelta(hours=1), arg="now",
         label="为尚无控制权验证码的账号和网站生成验证码（批量导入、历史数据；0058）")
schedule("control_checks", "control.services.run_checks", daily_at=time(2, 30), arg="now",
         label="控制权验证：新验证码、即将到期和已过期的重新验证（0058）")
schedule("portal_lists", "control.portal.read_portals", daily_at=time(2, 45), arg="now",
         label="读取门户网站公布的账号清单，与登记信息比对（0059）")
