#!/usr/bin/env bash
# `make bench`: national-scale data on PostgreSQL (generated once, then reused) and the harness.
#   DATABASE_URL if set; else the server on 127.0.0.1:5432 (database govmedia_bench);
#   else a cluster kept in bench/out/pgdata (started for the run, stopped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SCALE=${BENCH_SCALE:-1}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_cluster() { :; }
if [ -z "${DATABASE_URL:-}" ]; then
  if psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='govmedia_bench'" | grep -q 1 \
      || psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE govmedia_bench" >/dev/null
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmedia_bench
  else
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    DATA="$PWD/bench/out/pgdata"
    mkdir -p bench/out
    if [ ! -d "$DATA" ]; then
      mkdir -p "$DATA"; [ "$(id -u)" = 0 ] && chown -R postgres:postgres bench/out
      as_postgres "$PGBIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_postgres "$PGBIN/pg_ctl" -D "$DATA" -l bench/out/server.log -w -o "-p 55432 -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
    stop_cluster() { as_postgres "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null; }
    trap stop_cluster EXIT
    psql -h 127.0.0.1 -p 55432 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='govmedia_bench'" | grep -q 1 \
      || psql -h 127.0.0.1 -p 55432 -U postgres -c "CREATE DATABASE govmedia_bench" >/dev/null
    export DATABASE_URL=postgres://postgres@127.0.0.1:55432/govmedia_bench
  fi
fi
export DJANGO_SETTINGS_MODULE=govmedia.settings_bench
# The production cache: a redis-server of its own on a free port (as prod-check and tests/servers.py
# start it), unless REDIS_URL is given or redis-server is missing (then the database cache, said so).
if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
  REDIS_DIR=$(mktemp -d /tmp/govmedia-bench-redis.XXXXXX)
  REDIS_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" \
    --logfile "$REDIS_DIR/redis.log" --daemonize yes --pidfile "$REDIS_DIR/redis.pid"
  stop_redis() { kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true; rm -rf "$REDIS_DIR"; }
  trap 'stop_redis; stop_cluster' EXIT
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CACHE_KEY_PREFIX=bench
  echo "bench: Redis cache on 127.0.0.1:$REDIS_PORT"
elif [ -z "${REDIS_URL:-}" ]; then
  echo "bench: redis-server not installed: the database cache (production runs Redis: query counts differ)"
fi
# The harness signs the same national logins in many times (and other runs may share the data): no
# limit of concurrent sessions per login (等保, tested in tests/security), or a later sign-in ends an
# earlier client's session and its next page answers 302.
export MAX_CONCURRENT_SESSIONS=0
# DEBUG is off in the bench: it needs a SECRET_KEY, its own (made once, kept in bench/out, never committed).
if [ -z "${SECRET_KEY:-}" ]; then
  export SECRET_KEY_FILE=${SECRET_KEY_FILE:-$PWD/bench/out/secret_key}
  mkdir -p "$(dirname "$SECRET_KEY_FILE")"
  [ -s "$SECRET_KEY_FILE" ] || $PY manage.py create_secret_key
fi
$PY manage.py migrate --noinput -v0
$PY manage.py load_orgtree
$PY manage.py create_org_users --demo-password "${DEMO_PASSWORD:-Demo@2026}"
$PY manage.py generate_scale_data --scale "$SCALE"
$PY manage.py generate_scale_websites --scale "$SCALE"  # the government websites (~15,000 at scale 1)
$PY manage.py shell -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')" 2>/dev/null || true
# BENCH_ONLY=generate: the data only (other sessions then measure on it).
[ "${BENCH_ONLY:-}" = generate ] && exit 0
# BENCH_ONLY=monitoring (make bench-monitoring): only the monitoring check run; BENCH_MONITORING=0 skips it.
# BENCH_ONLY=supervision: only the quarterly supervision (bench/supervision.py); BENCH_SUPERVISION=0 skips it.
# BENCH_ONLY=pages: only the walk of every page for GB, a province, a county and a filer unit (bench/pages.py).
case "${BENCH_ONLY:-}" in monitoring|supervision|pages) ;; *) $PY -m bench.run ;; esac
case "${BENCH_ONLY:-}" in ""|pages) $PY -m bench.pages ;; esac
[ "${BENCH_ONLY:-}" = pages ] && exit 0
[ "${BENCH_ONLY:-}" = supervision ] || [ "${BENCH_MONITORING:-1}" = 0 ] || $PY -m bench.monitoring
[ "${BENCH_ONLY:-}" = monitoring ] || [ "${BENCH_SUPERVISION:-1}" = 0 ] || $PY -m bench.supervision
