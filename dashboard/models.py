"""数据看板's rollups (issue 26 item 3, dashboard/rollup.py): the figures of every org unit's subtree
as they stood at one moment, rebuilt by a daily scheduled job, so a dashboard view reads a few
rows of its own scope plus the journal entries written since that moment."""
from django.db import models


class RollupRun(models.Model):
    """One rebuild of the rollups. The latest one that is not `stale` is read; `as_of` is the
    moment its figures describe (a margin before the rebuild began: see rollup.MARGIN)."""

    as_of = models.DateTimeField("统计截止时间")
    clamp = models.DateField("最早月份")  # creation months before it are summed into it
    built_at = models.DateTimeField("生成时间", auto_now_add=True)
    seconds = models.FloatField("耗时（秒）", default=0)
    stale = models.BooleanField("已失效", default=False)  # a subtree moved since: read the tables themselves

    class Meta:
        verbose_name = "数据看板汇总"
        verbose_name_plural = "数据看板汇总"


class AccountState(models.Model):
    """Each counted account (live, not a draft) as the latest rollup saw it: what its figures
    contributed then, taken back out when the journal says it changed since."""

    account_id = models.BigIntegerField("账号编号", primary_key=True)
    org_path = models.CharField("组织路径", max_length=200)
    account_type = models.CharField("账号类型", max_length=2)
    status = models.CharField("状态", max_length=30)
    month = models.DateField("创建月份")

    class Meta:
        verbose_name = "账号汇总状态"
        verbose_name_plural = "账号汇总状态"


class AccountRollup(models.Model):
    """Counted accounts of one scope (an org unit's path; "" is the whole country) per type,
    status, org level and creation month (Beijing; months before RollupRun.clamp in clamp)."""

    scope_path = models.CharField("管理范围路径", max_length=200)
    account_type = models.CharField("账号类型", max_length=2)
    status = models.CharField("状态", max_length=30)
    level = models.SmallIntegerField("层级")
    month = models.DateField("创建月份")
    count = models.IntegerField("数量")

    class Meta:
        verbose_name = "账号汇总"
        verbose_name_plural = "账号汇总"
        indexes = [models.Index(fields=["scope_path"], name="dash_account_scope")]


class JournalRollup(models.Model):
    """Media-account journal entries of one scope per Beijing month, before RollupRun.as_of:
    kind "close" counts 同意关停, kind "move" the status changes (before → after labels)."""

    scope_path = models.CharField("管理范围路径", max_length=200)
    kind = models.CharField("类别", max_length=10)
    month = models.DateField("月份")
    status_before = models.CharField("操作前状态", max_length=30, blank=True)
    status_after = models.CharField("操作后状态", max_length=30, blank=True)
    count = models.IntegerField("数量")

    class Meta:
        verbose_name = "流水汇总"
        verbose_name_plural = "流水汇总"
        indexes = [models.Index(fields=["scope_path"], name="dash_journal_scope")]
