#!/usr/bin/env bash
# Run the test suite on PostgreSQL:
#   1. DATABASE_URL if it is set;
#   2. else a server already listening on 127.0.0.1:5432 with trust auth (developer machines);
#   3. else a throwaway cluster in a temp dir on a free port, torn down afterwards;
#   4. else SQLite, saying so.
# GOVMEDIA_TEST_THROWAWAY_PG=1 skips step 2 (to exercise step 3).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() { :; }
if [ -n "${DATABASE_URL:-}" ]; then
  echo "make test: PostgreSQL from DATABASE_URL"
elif [ -z "${GOVMEDIA_TEST_THROWAWAY_PG:-}" ] && command -v psql >/dev/null \
     && psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/govmedia_$$"  # a test database per run: parallel runs never collide
  echo "make test: PostgreSQL already running on 127.0.0.1:5432"
else
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
    PGTMP=$(mktemp -d /tmp/govmedia-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
    PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cleanup() {
      as_postgres "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1
      rm -rf "$PGTMP"
    }
    trap cleanup EXIT
    as_postgres "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null \
      || { echo "initdb failed" >&2; exit 1; }
    as_postgres "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
      -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$PGTMP/server.log" >&2; exit 1; }
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/govmedia"
    echo "make test: throwaway PostgreSQL cluster on port $PGPORT ($PGTMP)"
  else
    unset DATABASE_URL
    export GOVMEDIA_TEST_SQLITE=1
    echo "make test: PostgreSQL is not installed — running on SQLite (PostgreSQL-only tests are skipped)"
  fi
fi

# In parallel (pytest-xdist): the whole suite (no arguments, as `make test` runs it) on
# TEST_WORKERS workers (default 3: one more than the 2 cores, since tests also wait on a browser,
# a server or the database; a 4th only added per-worker setup and contention: on a shared 2-core
# machine 3 workers took 10:28 and 338 s of CPU, 4 took 15:28 and 465 s), or any run with
# TEST_WORKERS set. Each worker
# has its own test database (test_…_gwN), browser, live server and media root; the tests on the
# shared pair of app servers run on one worker (--dist loadgroup), which starts them once.
# TEST_WORKERS=0 runs serially.
# pytest keeps its assertion-rewritten test modules in __pycache__ (gitignored), as Python does the
# project's bytecode: with PYTHONDONTWRITEBYTECODE set every test process (each xdist worker, every
# manage.py or server it starts) compiled them all again, ~6 s of CPU per worker. Before the
# workers start, one collection writes what is missing, so the workers read instead of racing to
# write the same files.
unset PYTHONDONTWRITEBYTECODE
if [ $# -eq 0 ] || [ -n "${TEST_WORKERS:-}" ]; then
  WORKERS=${TEST_WORKERS:-3}
  if [ "$WORKERS" != 0 ]; then
    missing=$(find tests \( -name 'test_*.py' -o -name conftest.py \) | while read -r source; do
      ls "$(dirname "$source")/__pycache__/$(basename "$source" .py)".*-pytest-*.pyc >/dev/null 2>&1 || echo "$source"
    done | head -n 1)
    if [ -n "$missing" ]; then
      $PY -m pytest --collect-only -q -p no:xdist >/dev/null 2>&1  # the whole suite: once, then never again
    fi
    set -- -n "$WORKERS" --dist loadgroup "$@"
  fi
fi
$PY -m pytest "$@"
status=$?
cleanup
trap - EXIT
exit $status
