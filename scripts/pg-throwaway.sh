#!/usr/bin/env bash
# A throwaway PostgreSQL for tests (after ../shared/recipes/postgres-throwaway.sh).
#   pg-throwaway.sh start DIR    creates and starts a cluster under DIR, creates
#                                database nara, prints its URL (one line)
#   pg-throwaway.sh restart DIR  restarts it, keeping the data
#   pg-throwaway.sh stop DIR     stops it and removes DIR
# fsync is off: the data is thrown away anyway. Works as root (runs the
# server as the postgres user) or as an ordinary user.
set -euo pipefail
cmd=${1:?start|restart|stop}; dir=${2:?DIR}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  port=$(free_port)
  echo "$port" >"$dir/port.txt"
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null
  psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAtc "CREATE DATABASE nara" >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port/nara"
  ;;
restart)
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -m fast restart >/dev/null
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|restart|stop DIR" >&2; exit 2 ;;
esac
