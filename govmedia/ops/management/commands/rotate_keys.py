"""manage.py rotate_keys [--new-key] [--batch N] [--status]: rotate the SM4 data keys (decision 0052).

--new-key adds a fresh key to DATA_KEYS_FILE (it becomes current; with DATA_KEYS set, put the
printed line first there instead), then every value is re-encrypted under the current key in
batches; run it again after an interruption: it resumes. The old key may leave the ring once
--status shows nothing pending."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govmedia.common import gm
from govmedia.ops import keys
from reviews import journal


class Command(BaseCommand):
    help = "轮换数据密钥：用当前密钥（SM4-GCM）重新加密全部加密字段，分批进行，中断后再次运行即可继续。"

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="先生成新密钥并设为当前密钥")
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--status", action="store_true", help="只显示尚未使用当前密钥的数据条数")

    def handle(self, *args, new_key=False, batch=500, status=False, **options):
        if new_key:
            if getattr(settings, "DATA_KEYS", ""):
                kid, hexkey = keys.new_key_line()
                raise CommandError(f"DATA_KEYS 已在环境变量中设置：请把 {kid}={hexkey} 放在 DATA_KEYS 的最前面，再运行本命令。")
            kid = keys.append_key(Path(settings.DATA_KEYS_FILE))
            self.stdout.write(f"新密钥 {kid} 已写入 {settings.DATA_KEYS_FILE}（复制到每台应用服务器）")
        self.stdout.write(f"当前密钥：{gm.current_key_id()}")
        if not status:
            done = keys.rotate(batch, log=lambda line: self.stdout.write(line) if options.get("verbosity", 1) > 1 else None)
            self.stdout.write(f"重新加密 {done} 条")
            journal.record(None, "keys_rotate", None, subject_type="system", subject_label="数据密钥",
                           data={"current": gm.current_key_id(), "re_encrypted": done, "new_key": new_key})
        left = keys.pending()
        if left:
            for column, n in left.items():
                self.stdout.write(f"尚未使用当前密钥：{column} {n} 条")
        else:
            self.stdout.write("全部加密数据已使用当前密钥。")
