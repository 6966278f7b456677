#!/usr/bin/env bash
# Installs what Nära needs on a fresh Debian 12 machine: the Debian packages
# for building, testing and benchmarking, and the pinned npm packages for the
# browser tests. Quick when everything is already present: it asks dpkg and
# node_modules first and only calls apt-get/npm for what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-test}   # run | test | bench

# libhpdf-dev: PDFs (libharu); fonts-liberation: the font a PDF embeds for
# letters that Windows-1252 cannot say (web/pdf.h). poppler-utils: the
# tests read PDFs back with pdftotext.
pkgs_run="build-essential pkg-config libevent-dev libsqlite3-dev libpq-dev
  libsodium-dev libjansson-dev libcurl4-openssl-dev libcjose-dev libssl-dev libqrencode-dev
  libhpdf-dev fonts-liberation"
# zbar-tools: the browser test reads the two-step QR code back with zbarimg.
# coturn: the video test starts its own TURN server (turnserver).
pkgs_test="$pkgs_run clang libclang-rt-14-dev libcmocka-dev postgresql
  chromium sqlite3 python3 nodejs npm zbar-tools poppler-utils coturn"
pkgs_bench="$pkgs_test nginx wrk curl"

case "$mode" in
  run) want=$pkgs_run ;;
  test) want=$pkgs_test ;;
  bench) want=$pkgs_bench ;;
  *) echo "usage: scripts/deps.sh run|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in $want; do
  # nodejs/npm may come from elsewhere on the machine; accept the commands.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages (pinned in package-lock.json): Designsystemet CSS is needed to
# serve pages; the rest only for tests.
if [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
