"""What reports plugs in at start-up (ReportsConfig.ready): subtree moves rewrite the self-check
sheets' org_path (`signals`), 检查季度's list registered for export jobs (`check_lists`), the menu's
page-state slots (`services`), and the runner of a 发起检查 job (jobs.runners)."""
from jobs import runners
from jobs.models import Job

from govmedia.common import sqlport  # noqa: F401  (PostgreSQL's split_part for the SQLite demo's connections)

from . import signals  # noqa: F401  (subtree moves rewrite the self-check sheets' org_path)
from . import check_lists  # noqa: F401  (检查季度's list: registered for export jobs)
from . import services  # noqa: F401  (the menu's page-state slots)
from .check_rounds import run_round_job

runners.register(Job.Kind.CHECK_ROUND, run_round_job)
