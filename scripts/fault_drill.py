"""`make fault-drill` (issue 32): the production topology on loopback, a bounded write load, and
one fault after another; per fault the errors clients saw, the seconds until writes succeed
again, acknowledged writes lost, and what /metrics showed. docs/reliability.md has its figures.

Topology (all started here, free ports, a temp dir; PostgreSQL as user postgres):
  PostgreSQL primary (WAL archived to a directory) + a synchronous streaming standby;
  Redis master + replica + one Sentinel; two gunicorn app servers with
  DATABASE_URL=postgres://…@127.0.0.1:P1,127.0.0.1:P2/govmedia?target_session_attrs=read-write and
  REDIS_URL=sentinel://127.0.0.1:S/govmedia/0; two job workers (one with the scheduler).
The commands are those of docs/deploy.md (【主备切换】【时间点恢复】), run literally.
Not part of `make test`."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
PGBIN = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parts[-2]))[-1])
PASSWORD = "Drill@2026"
T0 = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} did not open")


def as_postgres(*args, check=True, **kwargs):
    command = ["runuser", "-u", "postgres", "--", *map(str, args)] if os.geteuid() == 0 else list(map(str, args))
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)


def psql(port, sql, db="postgres"):
    out = subprocess.run([PGBIN / "psql", "-X", "-q", "-tA", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                          "-d", db, "-c", sql], capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Drill:
    def __init__(self):
        self.home = Path(tempfile.mkdtemp(prefix="govmedia-drill-"))
        os.chmod(self.home, 0o755)
        shutil.chown(self.home, "postgres", "postgres") if os.geteuid() == 0 else None
        self.archive = self.home / "wal-archive"
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in ("pg1", "pg2", "pg3", "pg4", "r1", "r2", "s1", "a", "b")}
        self.results = []
        self.acknowledged: list[str] = []   # session keys of logins the client saw succeed
        self.ok_times: list[float] = []     # when each of them was acknowledged
        self.errors = []                    # (time, what)
        self.last_ok = 0.0
        self.stop_load = threading.Event()
        self.out_of_rotation: set[str] = set()  # servers the balancer sends nothing to
        self.paused = threading.Event()

    # --- PostgreSQL -------------------------------------------------------------------------------
    def initdb(self, name, port, extra=()):
        data = self.home / name
        as_postgres(PGBIN / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                    "--no-sync")
        self.configure(data, port, extra)
        return data

    def configure(self, data, port, extra=()):
        conf = [f"port = {port}", "listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{self.home}'",
                "fsync = off", "max_connections = 200", "wal_level = replica", "max_wal_senders = 5",
                "archive_mode = on", f"archive_command = 'test ! -f {self.archive}/%f && cp %p {self.archive}/%f'",
                "archive_timeout = 60", "hot_standby = on", *extra]
        with open(data / "postgresql.auto.conf", "a") as handle:
            handle.write("\n".join(conf) + "\n")

    def pg_start(self, name):
        data = self.home / name
        as_postgres(PGBIN / "pg_ctl", "-D", data, "-l", self.home / f"{name}.log", "-w", "-t", "120", "start")

    def pg_pid(self, name):
        return int((self.home / name / "postmaster.pid").read_text().split()[0])

    # --- services ---------------------------------------------------------------------------------
    def spawn(self, name, command, env=None, cwd=ROOT):
        out = open(self.home / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                                start_new_session=True)
        return self.processes[name]

    def app_env(self, name):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "govmedia.settings", "DEBUG": "0", "SECRET_KEY": "drill-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0", "SMS_BACKEND": "accounts.sms.FileBackend", "SMS_ALLOW_TEST_BACKEND": "1",
            "SMS_FILE_PATH": str(self.home / "sms.jsonl"), "INITIAL_PASSWORD_KEY": "drill-initial-password-key",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.ports['pg1']},127.0.0.1:{self.ports['pg2']}"
                            "/govmedia?target_session_attrs=read-write&connect_timeout=2",
            "REDIS_URL": f"sentinel://127.0.0.1:{self.ports['s1']}/govmedia/0", "REDIS_RETRY_SECONDS": "2",
            "STATIC_ROOT": str(self.home / "static"), "MEDIA_ROOT": str(self.home / name / "media"),
            "TMPDIR": str(self.home / name / "tmp"), "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4",
            "JOBS_LEASE_SECONDS": "8", "JOBS_HEARTBEAT_SECONDS": "1", "PROMETHEUS_MULTIPROC_DIR":
                str(self.home / name / "metrics"), "PYTHONDONTWRITEBYTECODE": "1", "MONITORING_ENABLED": "0",
        })
        for folder in ("media", "tmp", "metrics"):
            (self.home / name / folder).mkdir(parents=True, exist_ok=True)
        return env

    def manage(self, *args, env=None, check=True):
        result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or self.app_env("manage"),
                                capture_output=True, text=True, timeout=900)
        if check and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stdout[-2000:]}{result.stderr[-3000:]}")
        return result

    def start_app(self, name):
        port = self.ports[name]
        self.spawn(f"app-{name}", [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "govmedia.wsgi", "--bind",
                                   f"127.0.0.1:{port}"], env=self.app_env(name))
        wait_port(port, 120)

    def start_worker(self, name, scheduler=False):
        self.spawn(name, [PY, "manage.py", "jobs_worker", *(["--with-scheduler"] if scheduler else [])],
                   env=self.app_env(name))

    def redis(self, name, port, *extra):
        self.spawn(name, ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                          "no", "--dir", str(self.home), *extra])
        wait_port(port)

    def setup(self):
        self.archive.mkdir()
        shutil.chown(self.archive, "postgres", "postgres") if os.geteuid() == 0 else None
        p1, p2 = self.ports["pg1"], self.ports["pg2"]
        log(f"PostgreSQL primary :{p1} (WAL archive {self.archive}), synchronous standby :{p2}")
        self.initdb("primary", p1, ["synchronous_commit = on"])
        self.pg_start("primary")
        psql(p1, "CREATE DATABASE govmedia")
        # deploy.md 【主备复制】: the standby from a base backup of the primary, streaming, synchronous.
        as_postgres(PGBIN / "pg_basebackup", "-d", f"host=127.0.0.1 port={p1} user=postgres application_name=standby1",
                    "-D", self.home / "standby", "-R", "-X", "stream", "-c", "fast")
        with open(self.home / "standby" / "postgresql.auto.conf", "a") as handle:
            handle.write(f"port = {p2}\n")
        self.pg_start("standby")
        # Synchronous from now on: a commit is acknowledged once the standby has it (deploy.md).
        psql(p1, "ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        psql(p1, "SELECT pg_reload_conf()")
        log("Redis master, replica, Sentinel")
        self.redis("redis-master", self.ports["r1"])
        self.redis("redis-replica", self.ports["r2"], "--replicaof", "127.0.0.1", str(self.ports["r1"]))
        sentinel = self.home / "sentinel.conf"
        sentinel.write_text(f"port {self.ports['s1']}\nbind 127.0.0.1\nsentinel monitor govmedia 127.0.0.1 "
                            f"{self.ports['r1']} 1\nsentinel down-after-milliseconds govmedia 2000\n"
                            "sentinel failover-timeout govmedia 10000\n")
        self.spawn("sentinel", ["redis-server", str(sentinel), "--sentinel"])
        wait_port(self.ports["s1"])
        log("migrate, collectstatic, seed (a small org tree and its users)")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("shell", "-c", "from tests.factories import make_small_tree, make_org_user\n"
                                   f"t = make_small_tree()\n[make_org_user(t[c], '{PASSWORD}') for c in t]")
        self.base_backup()
        for name in ("a", "b"):
            self.start_app(name)
        self.start_worker("worker-1", scheduler=True)
        self.start_worker("worker-2")
        log(f"app servers :{self.ports['a']} :{self.ports['b']}, two job workers")

    def base_backup(self):
        # deploy.md 【时间点恢复】: a base backup; with the WAL archive, any time after it can be restored.
        as_postgres(PGBIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.ports["pg1"], "-U", "postgres", "-D",
                    self.home / "basebackup", "-X", "stream", "-c", "fast")

    # --- load ---------------------------------------------------------------------------------------
    def urls(self, all_servers=False):
        names = [n for n in ("a", "b") if all_servers or n not in self.out_of_rotation]
        return [f"http://127.0.0.1:{self.ports[n]}" for n in names]

    def login_once(self, base, username):
        import requests

        with requests.Session() as session:
            session.get(f"{base}/", timeout=10)
            response = session.post(f"{base}/", data={"username": username, "password": PASSWORD, "role": "org",
                                                      "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
                                    headers={"X-CSRFToken": session.cookies.get("csrftoken", "")},
                                    allow_redirects=False, timeout=10)
            if response.status_code != 302 or "sessionid" not in response.cookies:
                raise RuntimeError(f"login answered {response.status_code}")
            page = session.get(f"{base}/media/", timeout=10)
            if page.status_code != 200:
                raise RuntimeError(f"/media/ answered {page.status_code}")
            return response.cookies["sessionid"]

    def load(self, worker: int):
        """Logins (a session row and a journal row each, written through the app) on both servers; a
        connection refused goes to the other server, as the balancer does (proxy_next_upstream)."""
        # Logins of their own per load thread: with MAX_CONCURRENT_SESSIONS (2) per login, two threads
        # on one login would end each other's sessions between the login and its page.
        users = [("110108", "110105"), ("120000", "120101"), ("130100", "130102")][worker % 3]
        n = 0
        while not self.stop_load.is_set():
            if self.paused.is_set():
                time.sleep(0.05)
                continue
            n += 1
            servers = self.urls()
            bases = servers[worker % len(servers):] + servers[:worker % len(servers)]
            for attempt, base in enumerate(bases):
                try:
                    key = self.login_once(base, users[n % 2])
                    self.acknowledged.append(key)
                    self.last_ok = time.monotonic()
                    self.ok_times.append(self.last_ok)
                    break
                except Exception as exc:  # noqa: BLE001
                    refused = "Connection refused" in str(exc) or "Max retries" in str(exc) and "refused" in str(exc)
                    if refused and attempt == 0:
                        continue  # the balancer's retry on a server that is down
                    self.errors.append((time.monotonic(), str(exc)[:200]))
                    time.sleep(0.2)
                    break
            time.sleep(0.05)

    def metrics(self, base=None):
        import requests

        try:
            response = requests.get(f"{base or self.urls()[0]}/metrics", timeout=30)
        except Exception:  # noqa: BLE001 - a scrape failing during a fault: no sample
            return {}
        if response.status_code != 200:
            return {}
        text = response.text
        wanted = {}
        for name, labels, value in re.findall(r"^(govmedia_\w+?)(\{[^}]*\})? (\S+)$", text, re.M):
            if name in {"govmedia_requests_total"}:
                key = f"{name}{{status={re.search(r'status=.(.xx)', labels).group(1)}}}"
                wanted[key] = wanted.get(key, 0) + float(value)
            elif not name.endswith(("_bucket", "_sum", "_count")) and name != "govmedia_request_duration_seconds":
                wanted[f"{name}{labels or ''}"] = float(value)
        return wanted

    def sample_once(self, into: dict, first=False):
        for server, base in zip("ab", self.urls(all_servers=True)):
            figures = self.metrics(base)
            if first and figures:  # a status class not answered yet counts 0 (the counter is created later)
                for status in ("2xx", "3xx", "4xx", "5xx"):
                    figures.setdefault(f"govmedia_requests_total{{status={status}}}", 0.0)
            for name, value in figures.items():
                name = f"{name}@{server}" if "requests_total" in name else name  # per server: its own count
                low, high = into.get(name, (value, value))
                into[name] = (min(low, value), max(high, value))

    def sample(self, into: dict, stop: threading.Event):
        """/metrics every second during a fault: the lowest and highest value of each figure."""
        while not stop.is_set():
            self.sample_once(into)
            stop.wait(1)

    def fault(self, title, inject, settle=20):
        log(f"--- fault: {title}")
        before_errors = len(self.errors)
        acknowledged_before = len(self.acknowledged)
        seen, stop = {}, threading.Event()
        self.sample_once(seen, first=True)  # the figures just before the fault
        sampler = threading.Thread(target=self.sample, args=(seen, stop), daemon=True)
        sampler.start()
        started = time.monotonic()
        detail = inject() or {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.last_ok <= started:
            time.sleep(0.2)
        time.sleep(settle)
        ended = time.monotonic()
        stop.set()
        sampler.join(30)
        # The write outage: the longest wait between two acknowledged writes in the fault's window.
        times = [started] + [t for t in self.ok_times if started < t <= ended] + [ended]
        outage = max(b - a for a, b in zip(times, times[1:]))
        lost = self.lost_writes()
        shown = {k: v for k, v in seen.items() if v[0] != v[1] or any(
            s in k for s in ("redis_up", "is_primary", "standbys", "database_up", "5xx"))}
        shown = {k: v for k, v in shown.items() if any(
            s in k for s in ("5xx", "redis_up", "replication", "queue", "jobs", "is_primary", "standbys",
                             "database_up", "backup"))}
        # The 5xx rate during the fault, from the servers' request counters (per status class).
        answered = {status: sum(high - low for k, (low, high) in seen.items() if f"status={status}" in k)
                    for status in ("2xx", "3xx", "4xx", "5xx")}
        rate = answered["5xx"] / max(sum(answered.values()), 1)
        result = {"fault": title, "client_errors": len(self.errors) - before_errors,
                  "answers_5xx": int(answered["5xx"]), "rate_5xx": round(rate, 4),
                  "write_outage_seconds": round(outage, 1), "acknowledged_writes": len(self.acknowledged),
                  "acknowledged_during": len(self.acknowledged) - acknowledged_before, "acknowledged_lost": lost,
                  **detail, "metrics_low_high": shown,
                  "client_error_samples": [e for _, e in self.errors[before_errors:]][:3]}
        self.results.append(result)
        log(json.dumps({k: v for k, v in result.items() if k != "metrics_low_high"}, ensure_ascii=False))
        log(f"    metrics (low, high) during the fault: {json.dumps(shown, ensure_ascii=False)[:1500]}")
        return result

    def primary_port(self):
        for port in (self.ports["pg2"], self.ports["pg1"]):
            try:
                if psql(port, "SELECT pg_is_in_recovery()") == "f":
                    return port
            except subprocess.CalledProcessError:
                continue
        raise RuntimeError("no primary")

    def lost_writes(self):
        """Acknowledged logins whose row is missing on the (new) primary. The login's `UserSession`
        row is checked, not `django_session`: the concurrent-session limit (MAX_CONCURRENT_SESSIONS)
        deletes an older login's session row by design, the UserSession row stays (ended)."""
        keys = list(self.acknowledged)
        if not keys:
            return 0
        values = ",".join(f"('{k}')" for k in keys if re.fullmatch(r"\w+", k))
        missing = psql(self.primary_port(), f"SELECT count(*) FROM (VALUES {values}) AS v(k) WHERE NOT EXISTS "
                                            "(SELECT 1 FROM accounts_usersession s WHERE s.session_key = v.k)",
                       "govmedia")
        return int(missing)

    # --- faults -------------------------------------------------------------------------------------
    def kill_primary(self):
        pid = self.pg_pid("primary")  # the server lost: the postmaster and every backend at once
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        for victim in [pid, *map(int, children)]:
            os.kill(victim, signal.SIGKILL)
        log("primary SIGKILLed; promoting the standby (deploy.md 【主备切换】)")
        time.sleep(1)
        as_postgres(PGBIN / "pg_ctl", "-D", self.home / "standby", "promote", "-w")
        # No standby is left to be synchronous with: commits must not wait for one.
        psql(self.ports["pg2"], "ALTER SYSTEM SET synchronous_standby_names = ''")
        psql(self.ports["pg2"], "SELECT pg_reload_conf()")
        # The old primary stays down (fenced); it comes back only rebuilt as a standby (next step).
        return {}

    def rebuild_standby(self):
        """deploy.md 【主备切换】, last step: the lost primary's data is discarded (it may hold WAL the
        standby never received) and db1 is rebuilt as the standby of db2, synchronous again."""
        shutil.rmtree(self.home / "primary")
        as_postgres(PGBIN / "pg_basebackup", "-d", f"host=127.0.0.1 port={self.ports['pg2']} user=postgres "
                    "application_name=standby1", "-D", self.home / "primary", "-R", "-X", "stream", "-c", "fast")
        with open(self.home / "primary" / "postgresql.auto.conf", "a") as handle:
            handle.write(f"port = {self.ports['pg1']}\nsynchronous_standby_names = ''\n")
        self.pg_start("primary")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and psql(self.ports["pg2"], "SELECT count(*) FROM pg_stat_replication "
                                                   "WHERE application_name = 'standby1' AND state = 'streaming'") != "1":
            time.sleep(0.5)
        psql(self.ports["pg2"], "ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
        psql(self.ports["pg2"], "SELECT pg_reload_conf()")
        return {"sync_state": psql(self.ports["pg2"], "SELECT sync_state FROM pg_stat_replication "
                                                      "WHERE application_name = 'standby1'")}

    def kill_redis_master(self):
        self.processes["redis-master"].kill()
        return {}

    def kill_worker(self):
        import requests

        # An export under way on a worker, which is SIGKILLed: the job is retried by the other.
        session = requests.Session()
        key = self.login_once(self.urls()[0], "110000")
        session.cookies.set("sessionid", key, domain="127.0.0.1", path="/")
        response = session.get(f"{self.urls()[0]}/media/", params={"export": "all"}, allow_redirects=False, timeout=20)
        self.job_url = response.headers.get("Location", "")
        time.sleep(0.2)
        self.processes["worker-2"].kill()
        self.processes["worker-1"].kill()
        self.start_worker("worker-1", scheduler=True)  # one comes back, as systemd restarts it
        deadline, status = time.monotonic() + 120, ""
        while time.monotonic() < deadline:
            status = psql(self.primary_port(), "SELECT status || ':' || attempts FROM jobs_job ORDER BY id DESC "
                                               "LIMIT 1", "govmedia")
            if status.startswith(("done", "failed")):
                break
            time.sleep(1)
        return {"export_job": status, "export_seconds": round(time.monotonic() - deadline + 120, 1)}

    def restart_app(self):
        # deploy.md: a deploy reloads with `kill -HUP` (drains); a server restarted outright is left by
        # the balancer for the other one until it answers again.
        os.kill(self.processes["app-a"].pid, signal.SIGHUP)
        time.sleep(3)
        # A restart outright: out of the balancer first (its health check / `server … down`), so
        # nothing is left in the closing listener's backlog; back in once it answers /healthz.
        self.out_of_rotation.add("b")
        time.sleep(1)
        self.processes["app-b"].terminate()
        self.processes["app-b"].wait(60)
        self.start_app("b")
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.ports['b']}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        self.out_of_rotation.discard("b")
        return {}

    def disk_full(self):
        # The files live in PostgreSQL (decision 0008): a full disk is the database refusing writes.
        # Simulated for the export's temp files with a 1 kB file-size limit on a new worker.
        self.processes["worker-1"].kill()
        env = self.app_env("worker-1")
        self.spawn("worker-small-disk", ["bash", "-c", f"ulimit -f 1; exec {PY} manage.py jobs_worker"], env=env)
        import requests

        session = requests.Session()
        session.cookies.set("sessionid", self.login_once(self.urls()[1], "110000"), domain="127.0.0.1", path="/")
        session.get(f"{self.urls()[1]}/media/", params={"export": "all"}, allow_redirects=False, timeout=20)
        deadline, row = time.monotonic() + 60, ""
        while time.monotonic() < deadline:
            row = psql(self.primary_port(), "SELECT status || '|' || error FROM jobs_job ORDER BY id DESC LIMIT 1",
                       "govmedia")
            if row.startswith(("done", "failed")):
                break
            time.sleep(1)
        self.processes["worker-small-disk"].kill()
        self.start_worker("worker-1", scheduler=True)
        return {"export_job": row}

    def backup_restore(self):
        archive = self.home / "under-load.tar"
        self.manage("backup", "-o", str(archive))
        port = self.ports["pg3"]
        self.initdb("restored", port, ["archive_mode = off"])  # never into the primary's WAL archive
        self.pg_start("restored")
        psql(port, "CREATE DATABASE govmedia")
        env = {**self.app_env("manage"), "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/govmedia"}
        result = self.manage("restore", str(archive), env=env)
        from govmedia.filestore.backup import read_manifest

        manifest = read_manifest(archive)
        restored = self.figures(port)
        restored["table_counts"].pop("govmedia_restored_backup", None)
        equal = (restored["table_counts"] == manifest["table_counts"]
                 and restored["journal_checksum"] == manifest["journal_checksum"])
        return {"restored_equal": equal, "tables": len(manifest["table_counts"]),
                "journal_checksum": manifest["journal_checksum"], "restore_said": result.stdout.strip()[-200:]}

    def figures(self, port):
        import psycopg2

        from govmedia.filestore.backup import snapshot_figures

        with psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="govmedia") as conn:
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                return snapshot_figures(cursor)

    def pitr(self):
        # The load pauses, the figures and the time are noted, the load goes on; then the base backup
        # and the WAL archive are restored to that time in a fresh cluster (deploy.md 【时间点恢复】).
        primary = self.primary_port()
        self.paused.set()
        time.sleep(2)
        target = psql(primary, "SELECT now()")
        at_target = self.figures(primary)
        time.sleep(1)
        self.paused.clear()
        time.sleep(5)
        # The WAL after the target reaches the archive now: wait for the archiver to copy the segment.
        segment = psql(primary, "SELECT pg_walfile_name(pg_switch_wal())")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (self.archive / segment).exists():
            time.sleep(0.5)
        archiver = psql(primary, "SELECT archived_count || ' archived, ' || failed_count || ' failed, last failed ' || "
                                 "coalesce(last_failed_wal, '-') FROM pg_stat_archiver")
        log(f"    WAL {segment} archived: {(self.archive / segment).exists()} ({archiver})")
        data = self.home / "pitr"
        shutil.copytree(self.home / "basebackup", data, symlinks=True)
        subprocess.run(["chown", "-R", "postgres:postgres", str(data)], check=True)
        for stale in ("postmaster.pid", "standby.signal"):
            (data / stale).unlink(missing_ok=True)
        with open(data / "postgresql.auto.conf", "a") as handle:
            handle.write(f"port = {self.ports['pg4']}\nlisten_addresses = '127.0.0.1'\narchive_mode = off\n"
                         f"restore_command = 'cp {self.archive}/%f %p'\nrecovery_target_time = '{target}'\n"
                         "recovery_target_action = 'promote'\nsynchronous_standby_names = ''\n")
        (data / "recovery.signal").touch()
        try:
            self.pg_start("pitr")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and psql(self.ports["pg4"], "SELECT pg_is_in_recovery()") == "t":
                time.sleep(0.5)
            restored = self.figures(self.ports["pg4"])
        except (subprocess.CalledProcessError, OSError) as exc:
            tail = (self.home / "pitr.log").read_text(errors="replace").splitlines()[-12:]
            log("    the point-in-time restore failed; its log:\n      " + "\n      ".join(tail))
            return {"recovery_target_time": target, "restored_equal": False, "error": str(exc)[:300],
                    "archiver": archiver, "pitr_log": tail}
        return {"recovery_target_time": target, "restored_equal": restored == at_target,
                "journal_at_target": at_target["journal_checksum"],
                "sessions_at_target": at_target["table_counts"].get("django_session")}

    def run(self):
        try:
            self.setup()
            threads = [threading.Thread(target=self.load, args=(i,), daemon=True) for i in range(3)]
            for thread in threads:
                thread.start()
            time.sleep(10)
            for _ in range(5):  # the first scrape of a fresh server may be slow on a busy machine
                figures = self.metrics()
                if figures:
                    break
                time.sleep(2)
            self.baseline = {k: v for k, v in figures.items() if any(
                w in k for w in ("replication", "is_primary", "redis_up", "database_up", "queue_ready", "5xx"))}
            log(f"metrics before the faults: {json.dumps(self.baseline, ensure_ascii=False)}")
            self.fault("PostgreSQL primary killed → standby promoted", self.kill_primary, settle=10)
            self.fault("lost primary rebuilt as the new standby (synchronous again)", self.rebuild_standby, settle=3)
            self.fault("Redis master killed → Sentinel fails over", self.kill_redis_master, settle=12)
            self.fault("job worker SIGKILLed mid-export", self.kill_worker, settle=3)
            self.fault("app server reloaded (HUP) and the other restarted", self.restart_app, settle=5)
            self.fault("disk full for the export's files", self.disk_full, settle=2)
            self.fault("backup under load → restored into a fresh cluster", self.backup_restore, settle=1)
            self.fault("point-in-time restore", self.pitr, settle=1)
            self.stop_load.set()
            for thread in threads:
                thread.join(30)
            summary = {"metrics_before": self.baseline, "results": self.results, "acknowledged_writes_total": len(self.acknowledged),
                       "acknowledged_writes_lost": self.lost_writes(), "minutes": round((time.monotonic() - T0) / 60, 1),
                       "load_average": os.getloadavg()}
            (ROOT / "bench").mkdir(exist_ok=True)
            out = Path(os.environ.get("DRILL_OUTPUT", ROOT / "bench" / "out" / "fault-drill.json"))
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
            log(f"done in {summary['minutes']} min; {summary['acknowledged_writes_total']} acknowledged writes, "
                f"{summary['acknowledged_writes_lost']} lost; figures in {out}")
            green = summary["acknowledged_writes_lost"] == 0 and all(
                r.get("restored_equal", True) for r in self.results)
            log("GREEN" if green else "NOT GREEN: acknowledged writes lost or a restore not equal")
            return 0 if green else 1
        finally:
            self.stop_load.set()
            for process in self.processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in self.processes.values():
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
            for name in ("primary", "standby", "restored", "pitr"):
                if (self.home / name / "postmaster.pid").exists():
                    as_postgres(PGBIN / "pg_ctl", "-D", self.home / name, "-m", "immediate", "stop", check=False)
            if not os.environ.get("DRILL_KEEP"):
                shutil.rmtree(self.home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(Drill().run())
