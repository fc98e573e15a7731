from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from govmedia.common import gm
from govmedia.common.fastload import FastLoad

# 存在的突出问题: the national indicators (国办秘函〔2019〕19号), as the 检查结果信息表 lists them.
PROBLEMS = ["发生安全泄密事故的严重问题", "监测时间点前2周无更新", "移动客户端（APP）无法下载或使用", "未提供有效互动功能", "其他"]


class SpotCheckReport(models.Model):
    """【上报抽查情况】: one report per L1 unit, kind, year and quarter."""

    class Kind(models.TextChoices):
        MEDIA = "media", "新媒体"
        WEBSITE = "website", "网站"

    class Status(models.TextChoices):
        DRAFT = "draft", "未提交"
        SUBMITTED = "submitted", "已提交"

    org_unit = models.ForeignKey("orgtree.OrgUnit", verbose_name="填报单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.MEDIA)
    year = models.PositiveSmallIntegerField("年份")
    quarter = models.PositiveSmallIntegerField("季度", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])
    checked_count = models.PositiveIntegerField("抽查数量", default=0)
    failed_count = models.PositiveIntegerField("不合格数量", default=0)
    filler_name = models.CharField("填表人", max_length=30, blank=True)
    filler_phone = gm.EncryptedCharField("联系电话", max_length=30, blank=True)
    status = models.CharField("填报状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0, db_default=0, editable=False)  # the review engine's version check
    created_at = models.DateTimeField("创建日期", auto_now_add=True)
    submitted_at = models.DateTimeField("提交日期", null=True, blank=True)
    document = models.FileField("季度报告", upload_to="reports/%Y/", blank=True)
    document_name = models.CharField("季度报告文件名", max_length=200, blank=True)

    class Meta:
        verbose_name = "抽查上报"
        verbose_name_plural = "抽查上报"
        ordering = ["-year", "-quarter", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "kind", "year", "quarter"], name="report_one_per_quarter"),
            models.CheckConstraint(condition=models.Q(failed_count__lte=models.F("checked_count")),
                                   name="report_failed_not_above_checked"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit.name} {self.year}年第{self.quarter}季度{self.get_kind_display()}抽查"

    @property
    def pass_rate(self) -> Decimal | None:
        """合格率(%) = (抽查数量 − 不合格数量) / 抽查数量 × 100, two decimals; None with no checks."""
        return pass_rate(self.checked_count, self.failed_count)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


def pass_rate(checked: int, failed: int) -> Decimal | None:
    if not checked:
        return None
    return (Decimal(checked - failed) * 100 / Decimal(checked)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def problems_text(problems, other: str) -> str:
    """存在的突出问题 as shown: the chosen problems, 其他 with its text."""
    return "；".join(f"其他（{other}）" if p == "其他" and other else p for p in problems)


class SpotCheckItem(models.Model):
    """One row of the 检查结果信息表: an account (or website) checked, and what was found."""

    report = models.ForeignKey(SpotCheckReport, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    sheet = models.ForeignKey("CheckSheet", null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    account = models.ForeignKey("accounts_media.MediaAccount", verbose_name="新媒体账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    website = models.ForeignKey("websites.Website", verbose_name="政府网站", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    media_code = models.CharField("新媒体标识码", max_length=20, blank=True)
    type_label = models.CharField("新媒体类型", max_length=60, blank=True)
    name = models.CharField("新媒体名称", max_length=100)
    operator = models.CharField("开设单位", max_length=100, blank=True)
    passed = models.BooleanField("是否合格", null=True)  # None: a prefilled self-check row not marked yet
    unregistered = models.BooleanField("未备案账号", default=False)  # 私开账号 found during the check
    link = models.CharField("账号链接", max_length=300, blank=True)
    problems = models.JSONField("存在的突出问题", default=list, blank=True)
    problem_other = models.CharField("其他问题说明", max_length=200, blank=True)
    rectification = models.CharField("整改情况", max_length=500, blank=True)
    # A prefilled row's state in the registry when the sheet was made, when it is not 正常
    # (修改待审核, 关停被驳回, 临时下线 …), so the unit sees why a live subject is on its sheet.
    subject_state = models.CharField("状态", max_length=20, blank=True)
    # A website on an org unit's sheet whose 主办单位 matched no filer unit (decision 0021).
    sponsor_unmatched = models.BooleanField("主办单位未匹配填报单位", default=False)

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(report__isnull=False, sheet__isnull=True)
                                              | models.Q(report__isnull=True, sheet__isnull=False),
                                              name="item_in_report_or_sheet")]

    @property
    def is_website(self) -> bool:
        return self.type_label == "政府网站"

    @property
    def homepage(self) -> str:
        """A website row's 首页网址: as recorded with the row, else the site's (rows recorded before it was kept)."""
        if not self.is_website:
            return ""
        return self.link or (self.website.homepage if self.website_id else "")

    @property
    def problems_display(self) -> str:
        return problems_text(self.problems, self.problem_other)


class Notice(models.Model):
    """【待核查账号】: a notice an org unit (GB, a province, a city, a county …) sends down to units of
    its subtree, with attachments (decision 0032)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SENT = "sent", "已下发"

    class Audience(models.TextChoices):
        CHOSEN = "chosen", "指定下级单位"
        CHILDREN = "children", "全部直属下级单位"      # child org units and the sender's own filer units
        FILERS = "filers", "管理范围内全部填报单位"
        SUBTREE = "subtree", "管理范围内全部单位"      # every org unit and filer unit below the sender

    sender = models.ForeignKey("orgtree.OrgUnit", verbose_name="发文单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=200)
    menu_label = models.CharField("菜单名称", max_length=20, default="待核查账号",
                                  help_text="接收单位的菜单名称随最新一份通知变更")
    body = models.TextField("正文", blank=True)
    audience = models.CharField("接收范围", max_length=10, choices=Audience.choices, default=Audience.CHOSEN)
    recipients = models.ManyToManyField("orgtree.OrgUnit", verbose_name="接收组织单位", blank=True, related_name="+")
    filer_recipients = models.ManyToManyField("orgtree.FilerUnit", verbose_name="接收填报单位", blank=True, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0, db_default=0, editable=False)  # the review engine's version check
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("下发时间", null=True, blank=True)
    # 季度通报 drafts: the quarter the circular covers (the .docx is regenerated from the edited text).
    circular_year = models.PositiveSmallIntegerField("通报年份", null=True, blank=True)
    circular_quarter = models.PositiveSmallIntegerField("通报季度", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_circular(self) -> bool:
        return self.circular_year is not None


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="notices/%Y/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")

    class Meta:
        ordering = ["id"]


class NoticeReceipt(models.Model):
    """Who a sent notice went to (an org unit or a filer unit), and when each opened and downloaded it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    org_unit = models.ForeignKey("orgtree.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filer_unit = models.ForeignKey("orgtree.FilerUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField("接收单位", max_length=100, blank=True)
    opened_at = models.DateTimeField("查看时间", null=True, blank=True)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "org_unit"], condition=models.Q(org_unit__isnull=False),
                                    name="receipt_once_per_unit"),
            models.UniqueConstraint(fields=["notice", "filer_unit"], condition=models.Q(filer_unit__isnull=False),
                                    name="receipt_once_per_filer"),
            models.CheckConstraint(condition=models.Q(org_unit__isnull=False, filer_unit__isnull=True)
                                   | models.Q(org_unit__isnull=True, filer_unit__isnull=False), name="receipt_one_unit"),
        ]
        indexes = [models.Index(fields=["org_unit", "opened_at"], name="receipt_org_unread"),
                   models.Index(fields=["filer_unit", "opened_at"], name="receipt_filer_unread")]
        ordering = ["id"]


# 存在的突出问题 of a website row: the website indicators (国办秘函〔2019〕19号) by the names the
# county notices use (空白栏目, 栏目不更新, 互动回复不及时 …).
WEBSITE_PROBLEMS = ["发生安全泄密事故等严重问题", "站点无法访问", "首页信息超过2周未更新", "空白栏目", "栏目不更新",
                    "互动回复不及时", "链接不可用", "其他"]


def problems_for(is_website: bool) -> list[str]:
    return WEBSITE_PROBLEMS if is_website else PROBLEMS


class CheckRound(models.Model):
    """检查季度: a quarter of self-checks an org unit (or GB for the country) opens for its subtree."""

    opened_by = models.ForeignKey("orgtree.OrgUnit", verbose_name="发起单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年份")
    quarter = models.PositiveSmallIntegerField("季度", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])
    title = models.CharField("名称", max_length=200)
    # 截止日期 per tier: {"filer": "2026-03-17", "3": "2026-03-20", …} (org level → date), ISO dates.
    deadlines = models.JSONField("截止日期", default=dict)
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Status(models.TextChoices):
        GENERATING = "generating", "正在生成检查表"
        READY = "ready", "已生成"

    # The sheets are made by a job (decision 0038): the round is 正在生成 until the job is done.
    status = models.CharField("生成状态", max_length=12, choices=Status.choices, default=Status.READY)
    job = models.ForeignKey("jobs.Job", verbose_name="生成任务", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    sheets_total = models.PositiveIntegerField("应生成检查表", default=0)

    class Meta:
        verbose_name = "检查季度"
        verbose_name_plural = "检查季度"
        ordering = ["-year", "-quarter", "opened_by__path"]
        constraints = [models.UniqueConstraint(fields=["opened_by", "year", "quarter"], name="round_one_per_unit_quarter")]

    def __str__(self) -> str:
        return self.title


class CheckSheet(FastLoad, models.Model):
    """检查结果信息表 of one unit for one quarter: a filer unit's rows for its accounts and websites,
    or an org unit's sheet, which adds its own websites to the accepted sheets of its children and
    goes up to its parent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "未报送"
        SUBMITTED = "submitted", "已报送待审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已审核"

    round = models.ForeignKey(CheckRound, verbose_name="检查季度", on_delete=models.CASCADE, related_name="sheets")
    year = models.PositiveSmallIntegerField("年份")
    quarter = models.PositiveSmallIntegerField("季度")
    filer_unit = models.ForeignKey("orgtree.FilerUnit", verbose_name="填报单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # A filer sheet: the supervising org unit; an org sheet: the unit itself.
    org_unit = models.ForeignKey("orgtree.OrgUnit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField("组织路径", max_length=200, db_index=True)
    unit_name = models.CharField("填报单位", max_length=100)
    due_date = models.DateField("截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    filler_name = models.CharField("填表人", max_length=30, blank=True)
    filler_phone = gm.EncryptedCharField("联系电话", max_length=30, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    checked_count = models.PositiveIntegerField("检查数量", default=0)
    failed_count = models.PositiveIntegerField("不合格数量", default=0)
    unregistered_count = models.PositiveIntegerField("未备案账号数量", default=0)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    prefilled = models.BooleanField("已从备案信息生成", default=False)
    reminded_on = models.DateField("最近提醒日期", null=True, blank=True)
    # The sheet's own rows when it was reported (an org sheet's checked_count adds its accepted
    # children): summing these over a subtree counts every reported row once (季度通报).
    own_checked_count = models.PositiveIntegerField("本表检查数量", default=0)
    own_failed_count = models.PositiveIntegerField("本表不合格数量", default=0)
    own_unregistered_count = models.PositiveIntegerField("本表未备案账号数量", default=0)
    version = models.PositiveIntegerField(default=0, editable=False)  # the review engine's stale-tab check

    class Meta:
        verbose_name = "检查结果信息表"
        verbose_name_plural = "检查结果信息表"
        ordering = ["org_path", "filer_unit_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["filer_unit", "year", "quarter"], condition=models.Q(filer_unit__isnull=False),
                                    name="sheet_one_per_filer_quarter"),
            models.UniqueConstraint(fields=["org_unit", "year", "quarter"], condition=models.Q(filer_unit__isnull=True),
                                    name="sheet_one_per_org_quarter"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "org_path"], name="sheet_quarter_path"),
                   # A subtree's sheets of a quarter (org_path LIKE 'prefix%' is an index condition only
                   # with the pattern operator class under a non-C collation such as C.UTF-8).
                   models.Index(fields=["year", "quarter", "org_path"], opclasses=["int2_ops", "int2_ops", "varchar_pattern_ops"],
                                name="sheet_quarter_path_like")]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.year}年第{self.quarter}季度检查结果"

    @property
    def is_filer_sheet(self) -> bool:
        return self.filer_unit_id is not None

    @property
    def supervisor_name(self) -> str:
        """The org unit the sheet goes to: a filer's org unit, an org unit's parent."""
        if self.filer_unit_id:
            return self.org_unit.name
        return self.org_unit.parent.name if self.org_unit.parent_id else ""

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED)

    @property
    def pass_rate(self) -> Decimal | None:
        return pass_rate(self.checked_count, self.failed_count)

    def is_overdue(self, today) -> bool:
        return self.due_date is not None and not self.is_done and today > self.due_date


class SheetReminder(models.Model):
    """One reminder of a sheet for one period (提前 / 当日 / 逾期第 n 轮): the row is the claim, so a
    reminder goes out once per sheet and period whichever node runs the job (decision 0039)."""

    sheet = models.ForeignKey(CheckSheet, on_delete=models.CASCADE, related_name="reminders")
    period = models.CharField("提醒周期", max_length=20)
    sent_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查表提醒"
        constraints = [models.UniqueConstraint(fields=["sheet", "period"], name="sheet_reminder_once")]
