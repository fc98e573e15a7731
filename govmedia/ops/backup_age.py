"""The time of the last successful backup, for the backup-age alert (/metrics reads it). Kept apart
from govmedia.ops.metrics, which reads the jobs' and notifications' models: the backup module is
imported by tools (scripts/fault_drill.py) that read a manifest without setting Django up."""
import time

from django.db import connection

BACKUP_KEY = "ops:backup:last_success"  # ops_counter row: the unix time of the last successful backup


def record_backup() -> None:
    """After a successful backup: its time, for the backup-age alert."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO ops_counter (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET "
                       "value = excluded.value", [BACKUP_KEY, int(time.time())])
