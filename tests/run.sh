#!/usr/bin/env bash
# The whole test suite, as the README gives it: installs the project, then lint, types,
# Dockerfile lint, the migration cycle and pytest, on SQLite and on PostgreSQL.
# Under CI=true a PostgreSQL that cannot be had is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[dev]'

PG_ADMIN_URL=${TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:${PGPORT:-54329}}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "ruff"
ruff check .
ruff format --check .
step "mypy"
mypy
step "hadolint"
hadolint Dockerfile

HAVE_PG=0
if bash tests/postgres.sh; then
  HAVE_PG=1
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required under CI=true" >&2
  exit 1
else
  echo "WARNING: no PostgreSQL; only SQLite is tested (set up one, see README)" >&2
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
  python3 -m tests.pg_database "$PG_ADMIN_URL/jamsos_migrations"
  migration_cycle "$PG_ADMIN_URL/jamsos_migrations"
fi

# tests/test_browser.py (Chromium through /docs and /redoc) runs in this pass only.
step "pytest on SQLite"
TEST_DATABASE_URL="sqlite+aiosqlite:///$WORK/test.db" python3 -m pytest -q -p no:cacheprovider "$@"
if [ "$HAVE_PG" = 1 ]; then
  step "pytest on PostgreSQL"
  TEST_DATABASE_URL="$PG_ADMIN_URL/jamsos_test" python3 -m pytest -q -p no:cacheprovider "$@"
fi

# Timings are never asserted: the benchmark only reports. Its quick sizes check that the
# README's command runs; `python -m tests.benchmarks` gives the real figures.
if [ "$HAVE_PG" = 1 ] && [ $# -eq 0 ]; then
  step "benchmark at quick sizes (reports only)"
  if command -v hey >/dev/null; then
    TEST_POSTGRES_URL="$PG_ADMIN_URL" python3 -m tests.benchmarks --quick
  elif [ "${CI:-}" = "true" ]; then
    echo "the benchmark needs hey (apt-get install -y hey) under CI=true" >&2
    exit 1
  else
    echo "WARNING: no hey; the benchmark check is skipped (apt-get install -y hey)" >&2
  fi
fi
