#!/usr/bin/env bash
# make bench: nara against Debian's nginx serving the exact bytes of the same
# page as a static file, with wrk in the same run (64 connections,
# keep-alive), so the figure that matters is the ratio, not the machine.
# Both write an access log line per request, as they would in production.
# Then the live pages: how long a note takes to reach 1,000 open event
# streams (bench/live.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${BENCH_SECONDS:-10}
PERSONS=${BENCH_PERSONS:-100000}
CONNS=${BENCH_CONNECTIONS:-64}
WORK=$(mktemp -d /tmp/nara-bench.XXXXXX)
chmod 755 "$WORK"   # nginx workers run as www-data
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export NARA_DATABASE="sqlite:$WORK/nara.db"
export NARA_SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "== data: demo + $PERSONS persons"
./nara demo --persons "$PERSONS" >/dev/null

NARA_PORT=$(free_port)
# The development login (loopback only) lets the benchmark log in as a demo
# case officer and citizen, as a person would click it. The set-up files a
# hundred forms from one address in a few seconds: the rate limits, which
# are not what is measured, are raised for it.
NARA_LISTEN=127.0.0.1:$NARA_PORT NARA_DEV_LOGIN=1 NARA_RATE_FORM=100000/60 \
  NARA_RATE_LOGIN=100000/60 ./nara serve 2>"$WORK/nara.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NARA_PORT/healthz" >/dev/null && break; sleep 0.05; done

# The logged-in pages: a citizen's case with 50 released notes and a case
# officer's worklist of (at least) 50 cases, made through the pages' own
# API (bench/setup.mjs); each measured with its session cookie.
echo "== data: 50 reports of concern, a case with 50 notes (bench/setup.mjs)"
setup=$(node bench/setup.mjs "http://127.0.0.1:$NARA_PORT")
# label|path|cookie, one a line.
PAGES=("municipality page|/kommun/helsingborg|" "start page|/|"
  "support-group catalogue, all municipalities|/stodgrupper|")
while IFS= read -r line; do PAGES+=("$line"); done < <(printf '%s' "$setup" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["pages"]:
    print("%s|%s|%s" % (p["label"], p["path"], p["cookie"]))')

# nginx serves the same bytes nara rendered, as a static file.
mkdir -p "$WORK/www"
for entry in "${PAGES[@]}"; do
  IFS='|' read -r label p cookie <<<"$entry"
  # nginx looks up the path without its query (the booking page's ?hos=).
  q=${p%%\?*}
  f=$WORK/www${q%/}; [ "$q" = / ] && f=$WORK/www/index
  mkdir -p "$(dirname "$f")"
  curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$NARA_PORT$p" -o "$f.html"
done
NGINX_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $WORK/nginx-access.log;
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;
    root $WORK/www;
    default_type text/html;
    location = / { try_files /index.html =404; }
    location / { try_files \$uri.html =404; }
  }
}
CONF
nginx -c "$WORK/nginx.conf"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NGINX_PORT/" >/dev/null && break; sleep 0.05; done

# wrk's summary: "Requests/sec: N" and the latency distribution's "99% X".
run_wrk() { # url [cookie] -> "rps p99"
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency ${2:+-H "Cookie: $2"} "$1")
  local rps p99
  rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
  local errors
  errors=$(printf '%s\n' "$out" | awk '/Non-2xx|Socket errors/ {print}')
  [ -n "$errors" ] && echo "  wrk: $errors" >&2
  echo "$rps $p99"
}

echo "== wrk -t2 -c$CONNS -d${DURATION}s (nara: $(./nara --version), nginx: $(nginx -v 2>&1 | sed 's/.*\///'))"
for entry in "${PAGES[@]}"; do
  IFS='|' read -r label p cookie <<<"$entry"
  bytes=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$NARA_PORT$p" | wc -c)
  read -r nara_rps nara_p99 < <(run_wrk "http://127.0.0.1:$NARA_PORT$p" "$cookie")
  read -r nginx_rps nginx_p99 < <(run_wrk "http://127.0.0.1:$NGINX_PORT$p")
  ratio=$(python3 -c "print(f'{$nara_rps/$nginx_rps:.2f}')")
  echo "$label ($p)"
  printf '  %6s bytes  nara  %10s req/s  p99 %s\n' "$bytes" "$nara_rps" "$nara_p99"
  printf '  %6s bytes  nginx %10s req/s  p99 %s\n' "$bytes" "$nginx_rps" "$nginx_p99"
  printf '  ratio nara/nginx %s\n' "$ratio"
done

# The live pages: the time from a note written to its event at
# BENCH_STREAMS (1,000) open event streams on one case (bench/live.mjs),
# on a second nara over the same database with the development login, so
# the benchmark can log in the demo citizen.
LIVE_PORT=$(free_port)
NARA_LISTEN=127.0.0.1:$LIVE_PORT NARA_DEV_LOGIN=1 NARA_ACCESS_LOG=0 \
  NARA_RATE_LOGIN=100000/60 NARA_RATE_FORM=100000/60 \
  ./nara serve 2>"$WORK/nara-live.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$LIVE_PORT/healthz" >/dev/null && break; sleep 0.05; done
echo "== live: note written -> event received"
node bench/live.mjs "http://127.0.0.1:$LIVE_PORT"

# Secure messages (bench/messages.mjs makes a thread of 50): the thread as
# the page's script fetches it, then a message posted through the form as
# a browser without JavaScript sends it (multipart, CSRF token, answered
# 303). Each post is one write transaction: the policy, the message, its
# audit row, the thread's version, the read receipt, the notification.
echo "== messages: the thread read, a message posted (wrk -t2 -c$CONNS -d${DURATION}s)"
msg=$(node bench/messages.mjs "http://127.0.0.1:$LIVE_PORT")
field() { printf '%s' "$msg" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
MSG_COOKIE=$(field cookie); MSG_HREF=$(field href); MSG_CSRF=$(field csrf)
read -r rps p99 < <(run_wrk "http://127.0.0.1:$LIVE_PORT$MSG_HREF/meddelanden" "$MSG_COOKIE")
printf '  thread of 50, read   %10s req/s  p99 %s\n' "$rps" "$p99"
cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Cookie"] = "$MSG_COOKIE"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=narabench"
wrk.body = "--narabench\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n$MSG_CSRF\r\n"
  .. "--narabench\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nHej! Jag undrar när vi ses nästa gång.\r\n"
  .. "--narabench\r\nContent-Disposition: form-data; name=\"bilaga\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
  .. "--narabench--\r\n"
LUA
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $MSG_COOKIE" -F "csrf=$MSG_CSRF" -F "text=Hej" \
  "http://127.0.0.1:$LIVE_PORT$MSG_HREF/meddelanden")
[ "$status" = 303 ] || { echo "a message was not posted: $status" >&2; exit 1; }
out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$LIVE_PORT$MSG_HREF/meddelanden")
total=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
# wrk counts a 303 as a success; anything else is "Non-2xx or 3xx".
failed=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
printf '  message posted       %10s req/s  p99 %s  (%s posted, %s refused)\n' \
  "$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')" \
  "$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')" "$total" "${failed:-0}"
