#!/usr/bin/env bash
# `make prod-check`: the production topology on loopback, measured.
#   PostgreSQL: DATABASE_URL if set; else the server on 127.0.0.1:5432 (database govmedia_prodcheck);
#     else a cluster kept in bench/out/pgdata-prodcheck (started for the run, stopped afterwards).
#   National data from `manage.py generate_scale_data` (generated once, then reused).
#   Redis: a redis-server of its own on a free port. Two gunicorn app servers (gunicorn.conf.py,
#   DEBUG off, govmedia.settings), separate processes with separate temp dirs, on that Redis.
#   Background worker: PRODCHECK_WORKER_CMD (default: the job queue's `manage.py jobs_worker`;
#   empty for none) is started beside the app servers
#   with the same environment (the job queue's worker) and stopped at the end.
#   Then: the smoke journey through both servers (bench/prodcheck_smoke.py), then locust headless
#   (bench/locustfile.py) at 50 users and at PRODCHECK_USERS (default 200) users, each spawned at
#   PRODCHECK_SPAWN_RATE (1) a second and then measured for PRODCHECK_SECONDS (default 60 s);
#   the figures go to docs/benchmarks.md (marked section).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SCALE=${PRODCHECK_SCALE:-1}
USERS=${PRODCHECK_USERS:-200}
SECONDS_EACH=${PRODCHECK_SECONDS:-60}
DB_NAME=${PRODCHECK_DB:-govmedia_prodcheck}
OUT=bench/out/prodcheck
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/govmedia-prodcheck.XXXXXX)
PIDS=()
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
stop_cluster() { :; }
cleanup() {  # app servers and workers first (they finish their requests), Redis and PostgreSQL last
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill "${PIDS[$i]}" 2>/dev/null || true; wait "${PIDS[$i]}" 2>/dev/null || true; done
  stop_cluster
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- PostgreSQL --------------------------------------------------------------------------------
if [ -z "${DATABASE_URL:-}" ]; then
  if psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    PGPORT=5432
  else
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    DATA="$PWD/bench/out/pgdata-prodcheck"
    if [ ! -d "$DATA" ]; then
      mkdir -p "$DATA"; [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$DATA"
      as_postgres "$PGBIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    PGPORT=$(free_port)
    as_postgres "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/pg.log" -w \
      -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    stop_cluster() { as_postgres "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null; }
  fi
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE $DB_NAME" >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$DB_NAME"
fi

DIRECT_DATABASE_URL=$DATABASE_URL
# Django's one session setting is the time zone: the database's own, as PgBouncer needs (docs/deploy.md).
psql "$DATABASE_URL" -qc "ALTER DATABASE \"$(psql "$DATABASE_URL" -tAc 'SELECT current_database()')\" SET timezone TO 'UTC'"

# --- PgBouncer (transaction pooling) in front of PostgreSQL, as in production (docs/deploy.md) ---
# The app servers and the worker connect through it; migrations and the data generator directly.
# PgBouncer refuses to run as root: it runs as postgres then, from a folder postgres can read.
PGB_POOL=${PRODCHECK_PGBOUNCER_POOL:-20}
if command -v pgbouncer >/dev/null 2>&1 && [ "${PRODCHECK_PGBOUNCER:-1}" != 0 ]; then
  PGB_DIR=$(mktemp -d /tmp/govmedia-pgbouncer.XXXXXX)
  PGB_PORT=$(free_port)
  DB_HOST_PORT=$($PY -c 'import os, urllib.parse as u; p = u.urlparse(os.environ["DATABASE_URL"]); print(p.hostname or "127.0.0.1", p.port or 5432, p.path.lstrip("/"), p.username or "postgres")' )
  read -r DB_HOST DB_PORT DB_NAME_URL DB_USER <<<"$DB_HOST_PORT"
  echo "\"$DB_USER\" \"\"" > "$PGB_DIR/userlist.txt"
  cat > "$PGB_DIR/pgbouncer.ini" <<INI
[databases]
$DB_NAME_URL = host=$DB_HOST port=$DB_PORT dbname=$DB_NAME_URL
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGB_DIR/userlist.txt
pool_mode = transaction
default_pool_size = $PGB_POOL
max_client_conn = 2000
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = $PGB_DIR/pgbouncer.log
INI
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGB_DIR"
  as_postgres pgbouncer "$PGB_DIR/pgbouncer.ini" &
  PIDS+=($!)
  for _ in $(seq 1 50); do (echo > "/dev/tcp/127.0.0.1/$PGB_PORT") 2>/dev/null && break; sleep 0.2; done
  POOLED_DATABASE_URL="postgres://$DB_USER@127.0.0.1:$PGB_PORT/$DB_NAME_URL"
  export PGB_ACTIVE=1
  echo "prod-check: PgBouncer (transaction pooling, pool $PGB_POOL) on 127.0.0.1:$PGB_PORT"
else
  POOLED_DATABASE_URL=$DATABASE_URL
  echo "prod-check: PgBouncer not installed (or PRODCHECK_PGBOUNCER=0): app servers connect directly"
fi
export PGB_POOL

# --- Redis -------------------------------------------------------------------------------------
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
PIDS+=($!)

# --- the production environment of every process -----------------------------------------------
head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$WORK/secret_key"
export DJANGO_SETTINGS_MODULE=govmedia.settings DEBUG=0 SECRET_KEY_FILE="$WORK/secret_key"
unset SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0  # loopback HTTP
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_KEY_PREFIX=prodcheck
export SMS_BACKEND=accounts.sms.FileBackend SMS_ALLOW_TEST_BACKEND=1 SMS_FILE_PATH="$WORK/sms.jsonl"
export STATIC_ROOT="$WORK/static" DEMO_PASSWORD=${DEMO_PASSWORD:-Demo@2026}
# Login throttling counts per address: every simulated user comes from 127.0.0.1.
export LOGIN_FAILURE_LIMIT=100000 LOGIN_CAPTCHA_AFTER=100000
# The simulated users share the few national logins (every GB user signs in as GB0000): the limit of
# concurrent sessions per login (等保, MAX_CONCURRENT_SESSIONS, tested in tests/security) would end
# one simulated user's session at each other's sign-in and count its next page as an error.
export MAX_CONCURRENT_SESSIONS=0

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_orgtree >/dev/null
$PY manage.py create_org_users --demo-password "$DEMO_PASSWORD" >/dev/null  # bench data only: one known password
$PY manage.py generate_scale_data --scale "$SCALE"
$PY manage.py generate_scale_websites --scale "$SCALE"
$PY manage.py shell -v0 -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')" >/dev/null

# --- two app servers (and the hook for background workers) -------------------------------------
# Through PgBouncer: no server-side cursors (a transaction-pooled connection may change between
# two statements); CONN_MAX_AGE keeps the cheap connections to PgBouncer, not PostgreSQL's.
export DATABASE_URL=$POOLED_DATABASE_URL DISABLE_SERVER_SIDE_CURSORS=1
URLS=()
for name in a b; do
  mkdir -p "$WORK/$name/tmp" "$WORK/$name/media"
  port=$(free_port)
  MEDIA_ROOT="$WORK/$name/media" TMPDIR="$WORK/$name/tmp" GUNICORN_WORKERS=${GUNICORN_WORKERS:-2} \
    $PY -m gunicorn -c gunicorn.conf.py govmedia.wsgi --bind "127.0.0.1:$port" > "$OUT/server-$name.log" 2>&1 &
  PIDS+=($!)
  URLS+=("http://127.0.0.1:$port")
done
PRODCHECK_WORKER_CMD=${PRODCHECK_WORKER_CMD-$PY manage.py jobs_worker}
if [ -n "$PRODCHECK_WORKER_CMD" ]; then  # e.g. the job queue's worker, same environment
  mkdir -p "$WORK/worker/tmp"
  TMPDIR="$WORK/worker/tmp" bash -c "$PRODCHECK_WORKER_CMD" > "$OUT/worker.log" 2>&1 &
  PIDS+=($!)
fi
for url in "${URLS[@]}"; do
  for _ in $(seq 1 120); do
    curl -fs "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$url/healthz" || { echo "prod-check: $url does not answer" >&2; tail -50 "$OUT"/server-*.log >&2; exit 1; }
  echo
done
export PRODCHECK_A=${URLS[0]} PRODCHECK_B=${URLS[1]}

# --- the smoke journey through both servers ----------------------------------------------------
$PY -m bench.prodcheck_smoke

# --- the load test -----------------------------------------------------------------------------
# Users are spawned at RATE a second (each signs in: PBKDF2, the production hasher, ~0.3 s of CPU);
# the statistics are reset once all are spawned, then the stage runs SECONDS_EACH more seconds.
RATE=${PRODCHECK_SPAWN_RATE:-1}
# PostgreSQL's own connections to the database, sampled each second during the load test (the most
# seen goes to the report: it must stay at or under PgBouncer's pool size, plus the direct ones).
( while true; do
    psql "$DIRECT_DATABASE_URL" -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" 2>/dev/null
    sleep 1
  done > "$OUT/pg_connections.txt" ) &
PIDS+=($!)
approvals() {  # reviews the load test applied (its reviewer name is 压测审核), counted in the database
  psql "$DIRECT_DATABASE_URL" -tAc "SELECT count(*) FROM reviews_journalentry WHERE person_name = '压测审核' AND action LIKE 'approve%'"
}
for users in 50 "$USERS"; do
  run_time=$(( users / RATE + 15 + SECONDS_EACH ))
  before=$(approvals)
  PRODCHECK_LOGIN_FILE="$OUT/u${users}_logins.json" \
  $PY -m locust -f bench/locustfile.py --headless --only-summary -u "$users" -r "$RATE" -t "${run_time}s" \
    --reset-stats --host "$PRODCHECK_A" --csv "$OUT/u$users" --stop-timeout 10 --loglevel WARNING \
    --exit-code-on-error 0 > "$OUT/locust-u$users.log" 2>&1 || true
  echo $(( $(approvals) - before )) > "$OUT/u${users}_approvals.txt"
done
$PY -m bench.prodcheck_report "$OUT" 50 "$USERS" "$SECONDS_EACH" "$SCALE"
echo "prod-check: 5xx lines in the app servers' logs: $(cat "$OUT"/server-*.log | grep -c 'govmedia.request .* 5[0-9][0-9] ' || true)"
