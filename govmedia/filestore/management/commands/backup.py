from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govmedia.filestore.backup import BackupError, make_backup


class Command(BaseCommand):
    help = ("备份数据库（含全部上传文件：导入暂存文件、季度报告、通知附件、导出结果）为一个 .tar 文件。"
            "密钥不在备份中：请另行保管 SECRET_KEY 与 INITIAL_PASSWORD_KEY。")

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="备份文件路径（默认 var/backups/govmedia-<时间>.tar）")

    def handle(self, *args, **options):
        output = Path(options["output"] or Path(settings.BASE_DIR) / "var" / "backups" /
                      f"govmedia-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        try:
            manifest = make_backup(output)
        except BackupError as exc:
            raise CommandError(exc.message)
        counts = "，".join(f"{label} {n}" for label, n in manifest["counts"].items())
        self.stdout.write(f"备份完成：{output}（{output.stat().st_size // 1024} KB）")
        self.stdout.write(f"内容：{counts}")
        self.stdout.write("密钥指纹：" + "，".join(f"{k} {v}" for k, v in manifest["key_fingerprints"].items()))
        self.stdout.write("提醒：备份中不含密钥。请把 SECRET_KEY 与 INITIAL_PASSWORD_KEY（或 var/secret_key 文件）"
                          "与备份分开妥善保管；恢复时必须使用相同的密钥，否则未修改的初始密码和未显示的校验码无法解密。")
