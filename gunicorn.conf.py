"""gunicorn settings of govmedia: `gunicorn -c gunicorn.conf.py govmedia.wsgi` (docs/deploy.md).

Every value can be set from the environment of the service (GUNICORN_*), the command line wins."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Worker processes × threads. Pages spend most of their time in PostgreSQL, so a few threads per
# process keep the CPU busy; 2×cores+1 processes is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
# gthread, draining its connections when it stops (recycling, `kill -HUP`, `kill -TERM`): a request
# already sent on a kept-alive connection is answered, never dropped (govmedia/ops/gunicorn_worker.py).
worker_class = "govmedia.ops.gunicorn_worker.DrainingThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# List pages answer in well under a second; the longest request is 导出全部 of the whole country,
# streamed in ~45 s (docs/benchmarks.md), so a worker is killed only after 120 s without progress.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))  # a restart lets requests finish
# Idle kept-alive connections are closed by the load balancer first (nginx's upstream
# keepalive_timeout 60s, docs/deploy.md), never by gunicorn while the balancer sends on them.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycle workers now and then
# … not all at once: each worker's limit is max_requests + a random 0…jitter.
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max(max_requests // 10, 0))))
# Load the app in the master: a refused configuration (DEBUG off with the console SMS backend,
# no SECRET_KEY, a one-process cache) stops gunicorn at once instead of looping on worker boots.
preload_app = True
# The load balancer's addresses, whose X-Forwarded-* headers are trusted (comma-separated; "*"
# only when nothing else can reach the app servers). The client IP for rate limits comes from
# PROXY_COUNT in the Django settings.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log: the app logs one line per request with its request id, user and duration
# (govmedia.ops.middleware). gunicorn's own messages use the same line format and time zone.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "govmedia.ops.logs.LineFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
    "root": {"level": "WARNING", "handlers": []},
}
# Worker temp files in RAM where the system has it (a slow disk can stall the heartbeat).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# /metrics sums the figures of every worker (prometheus-client's multiprocess mode): a directory
# of this server's own, emptied at start (PROMETHEUS_MULTIPROC_DIR to choose it; docs/deploy.md).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="govmedia-metrics-")


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.unlink(os.path.join(folder, name))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
