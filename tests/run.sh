#!/usr/bin/env bash
# The whole test suite, as the README gives it: ruff, mypy, Dockerfile lint, the migration cycle
# and pytest, on SQLite and on PostgreSQL, then the benchmark at quick sizes. Extra arguments go
# to pytest and skip the benchmark. It keeps to the project folder and cleans up after itself:
# - installs only into .venv/ (created on first use; `pip install -e '.[dev]'` again only when
#   pyproject.toml has changed since the last install), without a pip cache;
# - PostgreSQL: the server TEST_POSTGRES_URL names; else the throwaway cluster of
#   tests/postgres.sh when it answers on 127.0.0.1:${PGPORT:-54329} (reused, left running); else
#   a cluster of its own on a free port, stopped and deleted when the run ends;
# - its temporary files go under one directory, deleted when the run ends; a process the run
#   started and left running is named, stopped, and fails the run.
# Under CI=true a PostgreSQL that cannot be had is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n== %s\n' "$*"; }

VENV=$ROOT/.venv
STAMP=$VENV/.installed-from-pyproject.sha256
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  step "creating the virtual environment .venv"
  python3 -m venv --clear "$VENV" || {
    echo "run.sh: python3 cannot create a virtual environment (apt-get install -y python3-venv)" >&2
    exit 1
  }
fi
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$(sha256sum <pyproject.toml)" ]; then
  step "installing the project and its dev tools into .venv (pyproject.toml is new or changed)"
  "$VENV/bin/python" -m pip install --quiet --no-cache-dir --disable-pip-version-check -e '.[dev]'
  sha256sum <pyproject.toml >"$STAMP"
fi
export VIRTUAL_ENV=$VENV PATH=$VENV/bin:$PATH

# Every process this run starts inherits the mark; the check at the end looks for it.
export JAMSOS_TEST_RUN="$$-$RANDOM$RANDOM"
left_running() {
  local found pid
  # grep runs without the mark, so that it does not find itself.
  found=$(env -u JAMSOS_TEST_RUN grep -lzxF "JAMSOS_TEST_RUN=$JAMSOS_TEST_RUN" \
    /proc/[0-9]*/environ 2>/dev/null || true)
  for pid in $found; do
    pid=${pid#/proc/}
    echo "${pid%/environ}"
  done
}

TMP_PARENT=${TMPDIR:-/tmp}
WORK=$(mktemp -d)
export TMPDIR=$WORK
PG_OWN_DIR=
cleanup() {
  local status=$? pids
  if [ -n "$PG_OWN_DIR" ]; then
    PGTESTDIR=$PG_OWN_DIR bash tests/postgres.sh stop || true
    rm -rf "$PG_OWN_DIR"
  fi
  pids=$(left_running)
  if [ -n "$pids" ]; then
    echo "run.sh: FAILED: processes of this run were left running; stopping them:" >&2
    ps -o pid=,args= -p "${pids//$'\n'/,}" >&2 || true
    # shellcheck disable=SC2086  # one pid a word
    kill $pids 2>/dev/null || true
    [ "$status" != 0 ] || status=1
  else
    echo "run.sh: no process of this run is left running"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

step "ruff"
ruff check .
ruff format --check .
step "mypy"
mypy
step "hadolint"
hadolint Dockerfile

free_port() {
  python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

step "PostgreSQL"
HAVE_PG=0
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  echo "the server TEST_POSTGRES_URL names"
  PG_ADMIN_URL=$TEST_POSTGRES_URL
  HAVE_PG=1
elif bash tests/postgres.sh status >/dev/null; then
  echo "reusing the throwaway cluster of tests/postgres.sh on 127.0.0.1:${PGPORT:-54329}" \
    "(${PGTESTDIR:-/tmp/jamsos-pg}); it stays running"
  PG_ADMIN_URL=postgresql+asyncpg://postgres@127.0.0.1:${PGPORT:-54329}
  HAVE_PG=1
else
  PG_PORT=$(free_port)
  PG_OWN_DIR=$(mktemp -d "$TMP_PARENT/jamsos-pg.XXXXXX")
  echo "a throwaway cluster of this run on free port $PG_PORT, stopped when the run ends"
  if PGPORT=$PG_PORT PGTESTDIR=$PG_OWN_DIR bash tests/postgres.sh; then
    PG_ADMIN_URL=postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT
    HAVE_PG=1
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is required under CI=true" >&2
    exit 1
  else
    echo "WARNING: no PostgreSQL; only SQLite is tested (set up one, see README)" >&2
  fi
fi

migration_cycle() {
  DATABASE_URL=$1 alembic upgrade head
  DATABASE_URL=$1 alembic check
  DATABASE_URL=$1 alembic downgrade base
  DATABASE_URL=$1 alembic upgrade head
}

step "migrations on SQLite: upgrade → check → downgrade base → upgrade"
migration_cycle "sqlite+aiosqlite:///$WORK/cycle.db"
if [ "$HAVE_PG" = 1 ]; then
  step "migrations on PostgreSQL: upgrade → check → downgrade base → upgrade"
  python -m tests.pg_database "$PG_ADMIN_URL/jamsos_migrations"
  migration_cycle "$PG_ADMIN_URL/jamsos_migrations"
fi

# tests/test_browser.py (Chromium through /docs and /redoc) runs in this pass only.
step "pytest on SQLite"
TEST_DATABASE_URL="sqlite+aiosqlite:///$WORK/test.db" python -m pytest -q -p no:cacheprovider "$@"
if [ "$HAVE_PG" = 1 ]; then
  step "pytest on PostgreSQL"
  TEST_DATABASE_URL="$PG_ADMIN_URL/jamsos_test" python -m pytest -q -p no:cacheprovider "$@"
fi

# Timings are never asserted: the benchmark only reports. Its quick sizes check that the
# README's command runs; `python -m tests.benchmarks` gives the real figures.
if [ "$HAVE_PG" = 1 ] && [ $# -eq 0 ]; then
  step "benchmark at quick sizes (reports only)"
  if command -v hey >/dev/null; then
    TEST_POSTGRES_URL="$PG_ADMIN_URL" python -m tests.benchmarks --quick
  elif [ "${CI:-}" = "true" ]; then
    echo "the benchmark needs hey (apt-get install -y hey) under CI=true" >&2
    exit 1
  else
    echo "WARNING: no hey; the benchmark check is skipped (apt-get install -y hey)" >&2
  fi
fi
