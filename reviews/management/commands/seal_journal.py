"""manage.py seal_journal [--batch N]: seal the journal rows written before the chain existed
(decision 0053), then verify. Run as the DBA's maintenance role (a superuser or a member of
govmedia_journal_maintainer): the application's own role is refused by the trigger."""
from django.core.management.base import BaseCommand, CommandError

from reviews import audit, chain, journal


class Command(BaseCommand):
    help = "封存启用 HMAC-SM3 链之前写入的操作日志（流水），然后校验整条链。需以数据库维护角色运行。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch=1000, **options):
        try:
            sealed = chain.seal_unsealed(batch, log=lambda line: self.stdout.write(line)
                                         if options.get("verbosity", 1) > 1 else None)
        except chain.SealRefused as exc:
            raise CommandError(str(exc)) from exc
        if sealed:
            journal.record(None, "journal_seal", None, subject_type="system", subject_label="流水（操作日志）",
                           data={"sealed": sealed})
        check = audit.verify_and_record()
        self.stdout.write(f"封存 {sealed} 条；校验 {check.checked} 条：" + ("完整" if check.ok else "发现问题"))
        if not check.ok:
            for line in check.problems.splitlines():
                self.stdout.write(line)
            raise SystemExit(1)
