from django.core.management.base import BaseCommand

from govmedia.common.storage import cleanup_stale_staging, staging_max_age


class Command(BaseCommand):
    help = "删除超过保留期（默认1天）的暂存文件（已校验未提交的导入文件等）。每天运行一次。"

    def handle(self, *args, **options):
        removed = cleanup_stale_staging()
        hours = int(staging_max_age().total_seconds() // 3600)
        self.stdout.write(f"已删除超过 {hours} 小时的暂存文件 {removed} 个。")
