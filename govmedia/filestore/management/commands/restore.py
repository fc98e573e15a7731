from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from govmedia.filestore.backup import (KEY_CONSEQUENCES, BackupError, check_keys, check_migrations, missing_data_keys,
                                       read_manifest, restore_backup, row_counts)


class Command(BaseCommand):
    help = ("把 `manage.py backup` 生成的备份恢复到一个空数据库（DATABASE_URL 所指），在同一事务中核对每张表的行数"
            "和流水校验和后才提交，然后执行 migrate。失败时整体回滚，排除原因后可直接重新执行。"
            "密钥指纹与当前 SECRET_KEY / INITIAL_PASSWORD_KEY 不符时拒绝恢复。")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（.tar）")
        parser.add_argument("--allow-key-change", action="store_true",
                            help="密钥与备份时不同也继续恢复（后果见提示）")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        try:
            manifest = read_manifest(archive)
        except BackupError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"备份时间：{manifest['created_at']}，数据库：{manifest['database']}")
        newer = check_migrations(manifest)
        if newer:
            raise CommandError("备份来自更新版本的系统（本版本没有这些数据库迁移："
                               f"{'，'.join(newer[:10])}）：请先升级代码再恢复。")
        mismatched = [check.name for check in check_keys(manifest) if not check.matches]
        if mismatched:
            consequences = "；".join(f"{name}：{KEY_CONSEQUENCES[name]}" for name in mismatched)
            if not options["allow_key_change"]:
                raise CommandError(f"密钥与备份时不同：{'、'.join(mismatched)}。请使用备份时的密钥"
                                   f"（环境变量或 var/secret_key 文件）后重试。若确实要更换密钥，后果为——{consequences}；"
                                   "确认后加 --allow-key-change 重新执行。")
            self.stderr.write(f"警告：密钥与备份时不同（{'、'.join(mismatched)}），继续恢复。后果：{consequences}。")
        missing = missing_data_keys(manifest)  # the SM4 data keys (decision 0052)
        if missing:
            what = (f"备份中的数据使用的数据密钥 {'、'.join(missing)} 不在当前密钥环中（DATA_KEYS / DATA_KEYS_FILE），"
                    "恢复后这些加密字段（联系电话、电子邮箱、初始密码、校验码）将无法解密")
            if not options["allow_key_change"]:
                raise CommandError(f"{what}。请把备份时的数据密钥加入密钥环后重试；确认后加 --allow-key-change 重新执行。")
            self.stderr.write(f"警告：{what}。")
        try:
            result = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(exc.message)
        if result["already_restored"]:
            self.stdout.write("该数据库已由同一备份恢复（上次恢复在 migrate 之前中断），继续执行后续步骤。")
        restored = row_counts()
        differing = {label: (manifest["counts"].get(label), n) for label, n in restored.items()
                     if label in manifest["counts"] and manifest["counts"].get(label) != n}
        if differing and not result["already_restored"]:
            raise CommandError(f"恢复后的数量与备份不符：{differing}")
        self.stdout.write("恢复完成：" + "，".join(f"{label} {n}" for label, n in restored.items()))
        if "table_counts" in manifest:
            self.stdout.write(f"已核对：{len(manifest['table_counts'])} 张表的行数与流水校验和均与备份一致。")
        call_command("migrate", interactive=False, verbosity=0)  # always: the code may be newer than the backup
        self.stdout.write("已执行 migrate。")
        self.stdout.write("下一步：collectstatic（如升级了代码），重启应用服务器和后台任务。")
