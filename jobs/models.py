"""Long work off the request: one row per job (who asked, for which scope, progress, file, error)
and one row per scheduled period that was enqueued (the dedupe of the scheduler across nodes).

The queue itself is django-tasks' database backend (docs/decisions/0010): its DBTaskResult rows
carry the task; a Job row is what the user sees and what the lease (heartbeat) is kept on."""
from django.conf import settings
from django.db import models


class Job(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"   # 批量导入: the check of an uploaded file, or the write of a checked one
        CHECK_ROUND = "check_round", "发起检查"  # a 检查季度's sheets, made set-wise (reports.check_rounds)

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.EXPORT)
    title = models.CharField("名称", max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                                     verbose_name="申请人")
    # The requester's scope when asked: the file is only served while it is still the same.
    scope = models.CharField("范围", max_length=200)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", null=True, blank=True)
    rows_written = models.PositiveIntegerField("已写行数", default=0)
    result_name = models.CharField("结果文件（存储名）", max_length=300, blank=True)
    result_filename = models.CharField("下载文件名", max_length=200, blank=True)
    result_size = models.PositiveBigIntegerField("文件大小", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    task_id = models.CharField("队列任务", max_length=64, blank=True)
    worker_id = models.CharField("处理进程", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="job_mine"),
            models.Index(fields=["status", "heartbeat_at"], name="job_lease"),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_written * 100 // self.rows_total)

    @property
    def status_label(self) -> str:
        if self.kind == self.Kind.IMPORT and self.status == self.Status.RUNNING:
            return "正在导入" if self.params.get("phase") == "write" else "正在校验"
        return self.get_status_display()

    @property
    def rows_verb(self) -> str:
        checking = self.params.get("phase") == "check" or self.status != self.Status.DONE
        if self.kind == self.Kind.CHECK_ROUND:
            return "已生成"
        return "已校验" if self.kind == self.Kind.IMPORT and checking else "已写入"

    @property
    def rows_unit(self) -> str:
        return "份" if self.kind == self.Kind.CHECK_ROUND else "行"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ScheduledRun(models.Model):
    """One row per (scheduled entry, period): inserted by whichever node's tick comes first, so
    an entry runs once per period however many nodes run the scheduler."""

    name = models.CharField("任务", max_length=100)
    period = models.CharField("周期", max_length=40)
    enqueued_at = models.DateTimeField("入队时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.TextField("结果", blank=True)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务记录"
        ordering = ("-enqueued_at",)
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="scheduled_once_per_period")]

    def __str__(self):
        return f"{self.name} {self.period}"
