#!/usr/bin/env bash
# pg.sh — a throw-away PostgreSQL 15 server on 127.0.0.1 for tests and benchmarks.
# Source it, then:  pg_start   → exports PG_BASE ("host=127.0.0.1 port=N user=postgres")
#                   pg_newdb NAME → creates an empty database, prints its conninfo
#                   pg_stop    → stops the server and removes its directory
# Works as root (initdb runs as the postgres user) and leaves no state behind.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  [ -x "$PG_BIN/initdb" ] || { echo "pg.sh: PostgreSQL 15 not found in $PG_BIN (scripts/deps.sh installs it)" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/kefu-pg-XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync > "$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  local port
  for _ in 1 2 3 4 5 6 7 8; do
    port=$(( 20000 + RANDOM % 20000 ))
    if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=300" start > /dev/null 2>&1; then
      PG_PORT=$port
      export PG_BASE="host=127.0.0.1 port=$port user=postgres"
      return 0
    fi
  done
  echo "pg.sh: could not start PostgreSQL" >&2; cat "$PG_DIR/log" >&2
  return 1
}

pg_newdb() {
  psql "$PG_BASE dbname=postgres" -qAt -c "CREATE DATABASE \"$1\"" > /dev/null || return 1
  echo "$PG_BASE dbname=$1"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=""
}
