from django.db import models


class Counter(models.Model):
    """A shared counter (rate limits, the tab-count generation) when the cache is the database:
    one row per key, incremented atomically by an upsert (govmedia.ops.counters)."""

    key = models.CharField("键", max_length=250, primary_key=True)
    value = models.BigIntegerField("值", default=0)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享计数器"

    def __str__(self):
        return f"{self.key}={self.value}"
