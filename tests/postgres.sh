#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in ${PGTESTDIR:-/tmp/jamsos-pg} on 127.0.0.1:${PGPORT:-54329}
# (Debian's binaries; trust auth, loopback only, fsync off), for manual work and the benchmark:
#   bash tests/postgres.sh          makes sure a server answers on the port: if none does,
#                                   starts the cluster (creating it the first time)
#   bash tests/postgres.sh status   exit 0 when it is this cluster that answers on the port
#   bash tests/postgres.sh stop     stops the cluster if it runs; its data stays for next time
# tests/run.sh reuses this cluster while it runs; otherwise it starts one of its own on a free
# port, with its own PGTESTDIR, and stops it when done. Exits non-zero when no server can be had.
set -euo pipefail
PORT=${PGPORT:-54329}
DIR=${PGTESTDIR:-/tmp/jamsos-pg}
COMMAND=${1:-start}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
binaries() {
  BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "postgres.sh: no PostgreSQL binaries (apt-get install -y postgresql)" >&2
    exit 1
  fi
}
# postmaster.pid holds the server's pid on line 1 and its port on line 4.
cluster_answers() {
  local pid port
  pid=$(sed -n 1p "$DIR/data/postmaster.pid" 2>/dev/null || true)
  port=$(sed -n 4p "$DIR/data/postmaster.pid" 2>/dev/null || true)
  [ -n "$pid" ] && [ "$port" = "$PORT" ] && kill -0 "$pid" 2>/dev/null &&
    pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null
}

case $COMMAND in
  start)
    if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
      exit 0
    fi
    binaries
    if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres "$DIR"; else mkdir -p "$DIR"; fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >/dev/null
    fi
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o \
      "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" \
      start >/dev/null
    echo "postgres.sh: started a throwaway PostgreSQL on 127.0.0.1:$PORT ($DIR)"
    ;;
  status)
    if cluster_answers; then
      echo "postgres.sh: the throwaway PostgreSQL in $DIR answers on 127.0.0.1:$PORT"
    else
      echo "postgres.sh: the throwaway PostgreSQL in $DIR does not answer on 127.0.0.1:$PORT"
      exit 3
    fi
    ;;
  stop)
    if [ ! -f "$DIR/data/postmaster.pid" ]; then
      exit 0
    fi
    binaries
    if as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
      echo "postgres.sh: stopped the throwaway PostgreSQL in $DIR"
    fi
    ;;
  *)
    echo "usage: bash tests/postgres.sh [start|status|stop]" >&2
    exit 2
    ;;
esac
