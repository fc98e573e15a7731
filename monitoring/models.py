"""Automatic checks of websites and accounts (docs/decisions/0028): one CheckRun per run, one
CheckResult per object and check kind (the history), and a Finding per object and kind that is
open from the first failing check until a check passes again."""
from django.db import models
from datetime import date


class Kind(models.TextChoices):
    """A check, and the finding it opens when it fails (the same key)."""

    HOMEPAGE = "homepage", "首页可访问"
    TLS = "tls", "HTTPS证书有效期"
    MARKS = "marks", "首页备案标识"
    COLUMNS = "columns", "栏目链接可访问"
    ACCOUNT_LINK = "account_link", "账号链接可访问"
    ACCOUNT_UPDATE = "account_update", "账号更新情况"
    APP_DOWNLOAD = "app_download", "客户端下载链接可访问"
    # the national inspection indicators' checks (issue 27, decision 0045)
    HOME_UPDATE = "home_update", "首页更新情况"
    KEY_COLUMNS = "key_columns", "动态要闻、通知公告栏目更新"
    COLUMN_UPDATE = "column_update", "应更新栏目更新情况"
    BLANK_COLUMNS = "blank_columns", "空白栏目"
    EXPRESSION = "expression", "严重表述错误"
    OUTLINKS = "outlinks", "非法外链"
    INTERACTION = "interaction", "互动回应"


WEBSITE_KINDS = (Kind.HOMEPAGE, Kind.TLS, Kind.MARKS, Kind.COLUMNS, Kind.HOME_UPDATE, Kind.KEY_COLUMNS,
                 Kind.COLUMN_UPDATE, Kind.BLANK_COLUMNS, Kind.EXPRESSION, Kind.OUTLINKS, Kind.INTERACTION)
ACCOUNT_KINDS = (Kind.ACCOUNT_LINK, Kind.ACCOUNT_UPDATE, Kind.APP_DOWNLOAD, Kind.EXPRESSION)
# The checks an indicator drives (run only while an enabled indicator reads them).
CONTENT_KINDS = (Kind.HOME_UPDATE, Kind.KEY_COLUMNS, Kind.COLUMN_UPDATE, Kind.BLANK_COLUMNS, Kind.EXPRESSION,
                 Kind.OUTLINKS, Kind.INTERACTION)

# The finding's name, as the lists and the 检查结果信息表 say it.
FINDING_LABELS = {
    Kind.HOMEPAGE: "站点无法访问",
    Kind.TLS: "HTTPS证书过期",
    Kind.MARKS: "首页未展示备案标识",
    Kind.COLUMNS: "栏目链接不可用",
    Kind.ACCOUNT_LINK: "账号链接无法访问",
    Kind.ACCOUNT_UPDATE: "监测时间点前2周无更新",
    Kind.APP_DOWNLOAD: "移动客户端（APP）无法下载",
    Kind.HOME_UPDATE: "首页信息超过2周未更新",
    Kind.KEY_COLUMNS: "动态要闻、通知公告类栏目不更新",
    Kind.COLUMN_UPDATE: "应更新栏目长期未更新",
    Kind.BLANK_COLUMNS: "空白栏目",
    Kind.EXPRESSION: "严重表述错误",
    Kind.OUTLINKS: "非法外链",
    Kind.INTERACTION: "互动回复不及时",
}


class CheckRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        ABANDONED = "abandoned", "未完成"

    trigger = models.CharField("发起方式", max_length=20, default="scheduled")   # scheduled / command
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    objects_total = models.PositiveIntegerField("监测对象数", default=0)
    objects_done = models.PositiveIntegerField("已完成对象数", default=0)
    chunks_total = models.PositiveIntegerField("分块数", default=0)
    chunks_done = models.PositiveIntegerField("已完成分块数", default=0)
    concurrency = models.PositiveSmallIntegerField("并发数", default=0)
    opened = models.PositiveIntegerField("新发现问题", default=0)
    closed = models.PositiveIntegerField("已恢复问题", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "监测批次"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"监测批次 {self.pk}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.objects_done * 100 // self.objects_total if self.objects_total else 0


class CheckResult(models.Model):
    """One check of one object in one run. `ok`: True passed, False failed, None not checkable
    (no reader for the platform, no HTTPS, a check switched off…)."""

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="results")
    account = models.ForeignKey("accounts_media.MediaAccount", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    website = models.ForeignKey("websites.Website", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("监测项", max_length=20, choices=Kind.choices)
    ok = models.BooleanField("结果", null=True)
    status_code = models.PositiveSmallIntegerField("HTTP状态", null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField("响应时间（毫秒）", null=True, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    checked_at = models.DateTimeField("监测时间")
    # Failing runs in a row up to this one (0 when it passed) and when the first of them ran: a
    # finding opens only once a failure is confirmed (MONITORING_CONFIRM_RUNS/HOURS, 0044).
    streak = models.PositiveSmallIntegerField("连续失败次数", default=0)
    failing_since = models.DateTimeField("连续失败开始", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测结果"
        ordering = ["-checked_at", "-id"]
        indexes = [
            models.Index(fields=["account", "kind", "-checked_at"], condition=models.Q(account__isnull=False),
                         name="result_account_history"),
            models.Index(fields=["website", "kind", "-checked_at"], condition=models.Q(website__isnull=False),
                         name="result_website_history"),
            models.Index(fields=["checked_at"], name="result_checked_at"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(account__isnull=True) ^ models.Q(website__isnull=True),
                                              name="result_one_subject")]


class Finding(models.Model):
    """监测发现: a check failing on an object, from its first failing run (first_seen) to the last
    (last_seen); closed when the check passes again. It can be turned into a row of the owner's
    检查结果信息表 (sheet_item)."""

    account = models.ForeignKey("accounts_media.MediaAccount", verbose_name="新媒体账号", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    website = models.ForeignKey("websites.Website", verbose_name="政府网站", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("问题类型", max_length=20, choices=Kind.choices)
    detail = models.CharField("问题说明", max_length=500)
    data = models.JSONField("数据", default=dict, blank=True)
    first_seen = models.DateTimeField("首次发现")
    last_seen = models.DateTimeField("最近发现")
    closed_at = models.DateTimeField("恢复时间", null=True, blank=True)
    last_run = models.ForeignKey(CheckRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sheet_item = models.ForeignKey("reports.SpotCheckItem", verbose_name="检查结果", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "监测发现"
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(account__isnull=True) ^ models.Q(website__isnull=True),
                                   name="finding_one_subject"),
            models.UniqueConstraint(fields=["account", "kind"], condition=models.Q(closed_at__isnull=True, account__isnull=False),
                                    name="finding_one_open_per_account_kind"),
            models.UniqueConstraint(fields=["website", "kind"], condition=models.Q(closed_at__isnull=True, website__isnull=False),
                                    name="finding_one_open_per_website_kind"),
        ]
        indexes = [models.Index(fields=["-last_seen", "-id"], condition=models.Q(closed_at__isnull=True),
                                name="finding_open_recent")]

    def __str__(self):
        return f"{self.subject_name}：{self.label}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def subject(self):
        return self.account if self.account_id else self.website

    @property
    def subject_name(self) -> str:
        return self.subject.name

    @property
    def label(self) -> str:
        return FINDING_LABELS[self.kind]

    def days_without_update(self, today) -> int | None:
        """For a stale account: days since its latest post, counted on `today` (Beijing date)."""
        latest = self.data.get("latest")
        return (today - date.fromisoformat(latest)).days if latest else None

    def describe(self, today) -> str:
        """The detail as of `today`: a stale account's days are counted to today, not to the run."""
        days = self.days_without_update(today) if self.kind == Kind.ACCOUNT_UPDATE else None
        return f"已 {days} 天未更新（最近发布 {self.data['latest']}）" if days is not None else self.detail

    def recovered_message(self) -> str:
        """What the owner reads when the check passes again: 您的账号 X：账号链接无法访问 已恢复."""
        return f"您的{'账号' if self.account_id else '网站'} {self.subject_name}：{self.label} 已恢复"

    def message(self, today) -> str:
        """What the owner reads: 您的账号 X：已 17 天未更新."""
        return f"您的{'账号' if self.account_id else '网站'} {self.subject_name}：{self.describe(today)}"


class Subject(models.TextChoices):
    WEBSITE = "website", "政府网站"
    ACCOUNT = "account", "政务新媒体"


class Indicator(models.Model):
    """One indicator of 《政府网站与政务新媒体检查指标》 (国办秘函〔2019〕19号) as data: what it
    measures (`rule`: a check kind, or `availability` over a week of homepage visits, or
    `interact_function` from the filing), its thresholds (ops edit them in the admin), and the
    problem of the 检查结果信息表 it stands for. Seeded with the 2019 defaults (decision 0045)."""

    code = models.CharField("指标代码", max_length=30, unique=True)
    subject = models.CharField("对象", max_length=10, choices=Subject.choices)
    name = models.CharField("指标名称", max_length=60)
    veto = models.BooleanField("单项否决", default=True)
    rule = models.CharField("测量方式", max_length=30)
    thresholds = models.JSONField("阈值", default=dict, blank=True)
    problem = models.CharField("对应检查结果问题", max_length=40)
    description = models.TextField("指标说明", blank=True)
    source = models.CharField("依据", max_length=100, default="国办秘函〔2019〕19号")
    enabled = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "检查指标"
        ordering = ["subject", "order", "code"]

    def __str__(self):
        return f"{self.get_subject_display()}：{self.name}"


class Verdict(models.Model):
    """An object failing an indicator in a period (a quarter, 2026Q4): the evidence (URLs, dates,
    counts) of the latest failing check. Objects without a row passed or were not judged."""

    indicator = models.ForeignKey(Indicator, verbose_name="检查指标", on_delete=models.CASCADE, related_name="verdicts")
    account = models.ForeignKey("accounts_media.MediaAccount", verbose_name="新媒体账号", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    website = models.ForeignKey("websites.Website", verbose_name="政府网站", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField("组织路径", max_length=255, db_index=True)
    period = models.CharField("期间", max_length=7)
    detail = models.CharField("说明", max_length=500)
    evidence = models.JSONField("证据", default=dict, blank=True)
    first_seen = models.DateTimeField("首次不合格")
    last_seen = models.DateTimeField("最近不合格")

    class Meta:
        verbose_name = verbose_name_plural = "检查指标监测结果"
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(account__isnull=True) ^ models.Q(website__isnull=True),
                                   name="verdict_one_subject"),
            models.UniqueConstraint(fields=["indicator", "account", "period"], condition=models.Q(account__isnull=False),
                                    name="verdict_one_per_account_period"),
            models.UniqueConstraint(fields=["indicator", "website", "period"], condition=models.Q(website__isnull=False),
                                    name="verdict_one_per_website_period"),
        ]
        indexes = [models.Index(fields=["period", "indicator"], name="verdict_period_indicator")]

    @property
    def subject(self):
        return self.account if self.account_id else self.website


class ExpressionRule(models.Model):
    """严重表述错误 dictionary: a wrong form and the right one. `exceptions`: longer phrases that
    contain the wrong form and are right (文化部门 for 文化部), separated by ；."""

    class Source(models.TextChoices):
        STARTER = "starter", "常见错误"
        ORGTREE = "orgtree", "组织机构名称"
        OPS = "ops", "运维添加"

    wrong = models.CharField("错误表述", max_length=60, unique=True)
    right = models.CharField("正确表述", max_length=100)
    exceptions = models.CharField("例外（含错误表述的正确用语，用；分隔）", max_length=300, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.OPS)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "严重表述错误词库"
        ordering = ["source", "wrong"]

    def __str__(self):
        return f"{self.wrong} → {self.right}"
