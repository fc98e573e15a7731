"""What accounts_media plugs in at start-up (AccountsMediaConfig.ready): the page-state slots
(`counts`), subtree moves rewriting org_path (`signals`), and the runner of a 批量导入 job (jobs.runners)."""
from jobs import runners
from jobs.models import Job

from . import counts, signals  # noqa: F401
from .import_jobs import run_import

runners.register(Job.Kind.IMPORT, run_import)
