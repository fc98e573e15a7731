"""What the jobs app plugs in at start-up (JobsConfig.ready): the export runner (jobs.exports registers
it) and the scheduled entries (jobs.schedule declares them), so every process — a web server, a
worker started by any command — finds them before it runs a job or an entry."""
from . import exports, schedule  # noqa: F401
