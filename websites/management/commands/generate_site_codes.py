"""The 16:00 job (docs/deploy.md schedules it): site codes and verification codes for every
website finally approved before today's 16:00 (Asia/Shanghai). Safe to run twice or concurrently."""
from django.core.management.base import BaseCommand

from websites.services import code_cutoff, generate_site_codes


class Command(BaseCommand):
    help = "生成网站标识码和校验码（每天16:00运行，当日16:00前办结的网站）。"

    def handle(self, *args, **options):
        count = generate_site_codes()
        self.stdout.write(f"截至 {code_cutoff():%Y-%m-%d %H:%M} 办结的网站：新生成网站标识码 {count} 个。")
