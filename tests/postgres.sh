#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:${PGPORT:-54329} for the test suite:
# if none does and Debian's PostgreSQL binaries are installed, starts a throwaway cluster
# under /tmp (trust auth, loopback only). Exits non-zero when no server can be had.
set -euo pipefail
PORT=${PGPORT:-54329}
DIR=${PGTESTDIR:-/tmp/jamsos-pg}

if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  exit 0
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "postgres.sh: no PostgreSQL binaries (apt-get install -y postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres "$DIR"; else mkdir -p "$DIR"; fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" start >/dev/null
echo "postgres.sh: started a throwaway PostgreSQL on 127.0.0.1:$PORT ($DIR)"
