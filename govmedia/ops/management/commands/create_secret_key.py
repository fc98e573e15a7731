from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govmedia.ops.secret_key import write_key_file


class Command(BaseCommand):
    requires_system_checks = []  # it is what makes the missing-key check pass
    help = ("Create the SECRET_KEY file (SECRET_KEY_FILE, default var/secret_key) once at installation; "
            "copy the same file to every app server and keep it with the backups.")

    def handle(self, *args, **options):
        path = settings.SECRET_KEY_FILE
        if path.exists():
            raise CommandError(f"{path} exists: it is never replaced (a new key would make the encrypted "
                               "initial passwords and signed links unreadable).")
        write_key_file(path)
        self.stdout.write(f"SECRET_KEY written to {path} (mode 600). Copy this file to every app server.")
