#!/usr/bin/env bash
# A throwaway PostgreSQL for tests (after shared/recipes/postgres-throwaway.sh).
#
#   pg-throwaway.sh start DIR    creates a cluster under DIR, starts it on
#                                127.0.0.1 and a free port, creates database
#                                nara and prints its URL, one line:
#                                postgresql://postgres@127.0.0.1:PORT/nara
#   pg-throwaway.sh restart DIR  restarts it (pg_ctl restart -m fast), keeping
#                                the data, port and options
#   pg-throwaway.sh stop DIR     stops it (-m immediate) and removes DIR
#
# Logs go to DIR (initdb.log, server.log, and start.log of this script). The
# data is thrown away, so fsync and full-page writes are off and initdb does
# not sync. Authentication is trust, on 127.0.0.1 and on a unix socket in DIR.
#
# As root the server runs as user postgres (initdb refuses root): DIR is
# chowned to it, and every directory above DIR must be searchable by it (a
# mktemp -d directory is not: chmod 755 it). As another user it runs as that
# user.
#
# The port: from 54329 upward, skipping ports where something answers. Two
# test runs starting at once may still pick the same port; the loser's
# server fails to bind and we move on to the next port. Nothing here needs
# more than bash and the PostgreSQL binaries.
set -euo pipefail
usage() { echo "usage: $0 start|restart|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL server binaries not found in /usr/lib/postgresql" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
# 0 when something accepts connections on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
die_with_log() { # message logfile
  echo "pg-throwaway: $1" >&2
  [ -f "$2" ] && tail -20 "$2" >&2
  exit 1
}

case "$cmd" in
start)
  [ -e "$dir/data" ] && { echo "pg-throwaway: $dir/data exists; stop it first" >&2; exit 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)   # absolute: the server's cwd is its data dir
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$dir"
    as_pg test -w "$dir" ||
      { echo "pg-throwaway: user postgres cannot reach $dir (chmod 755 the directories above it)" >&2; exit 1; }
  fi
  as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$dir/initdb.log" 2>&1 || die_with_log "initdb failed" "$dir/initdb.log"
  port=54329
  started=
  for _ in $(seq 1 40); do
    if ! port_busy "$port"; then
      : >"$dir/server.log"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/server.log"
      if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
          -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
          start >>"$dir/start.log" 2>&1; then
        started=1
        break
      fi
      # Anything but a port taken meanwhile is a real failure.
      grep -q "could not bind\|could not create any TCP/IP sockets\|Address already in use" "$dir/server.log" ||
        die_with_log "the server did not start" "$dir/server.log"
    fi
    port=$((port + 1))
  done
  [ -n "$started" ] || die_with_log "no free port from 54329 to $port" "$dir/server.log"
  echo "$port" >"$dir/port"
  "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
    -c "CREATE DATABASE nara" >>"$dir/start.log" 2>&1 ||
    die_with_log "could not create database nara" "$dir/start.log"
  echo "postgresql://postgres@127.0.0.1:$port/nara"
  ;;
restart)
  [ -d "$dir/data" ] || { echo "pg-throwaway: no cluster in $dir" >&2; exit 1; }
  # pg_ctl restart reuses the options of the last start (postmaster.opts).
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -m fast restart \
    >>"$dir/start.log" 2>&1 || die_with_log "restart failed" "$dir/server.log"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) usage ;;
esac
