"""Files kept in the database, in chunks (decision record 0008): every app server sees them,
and a database backup holds them."""
from django.db import models
from django.utils import timezone


class StoredFile(models.Model):
    """One file of the default storage. Its bytes are in FileChunk rows of `chunk_size` bytes
    each (the last one shorter); the row and its chunks are written in one transaction, so a
    file is either whole or absent."""

    name = models.CharField("文件名", max_length=255, unique=True)
    size = models.BigIntegerField("大小", default=0)
    chunk_size = models.PositiveIntegerField("分块大小")
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "存储文件"
        verbose_name_plural = "存储文件"

    def __str__(self) -> str:
        return self.name


class FileChunk(models.Model):
    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "index"], name="filechunk_one_per_index")]
