#!/usr/bin/env bash
# make run: the demo on the embedded SQLite database. Creates var/nara.db
# with the demo data the first time, then serves.
set -euo pipefail
cd "$(dirname "$0")/.."
export NARA_DATABASE=${NARA_DATABASE:-sqlite:var/nara.db}
export NARA_LISTEN=${NARA_LISTEN:-127.0.0.1:8080}
# The development login: /login lists the demo accounts (loopback only).
export NARA_DEV_LOGIN=${NARA_DEV_LOGIN:-1}
mkdir -p var
case "$NARA_DATABASE" in
  sqlite:*) db=${NARA_DATABASE#sqlite:}; fresh=0; [ -f "$db" ] || fresh=1 ;;
  *) fresh=0 ;;
esac
./nara migrate >/dev/null
if [ "$fresh" = 1 ]; then
  echo "Creating the demo data in ${NARA_DATABASE#sqlite:} ..."
  ./nara demo
fi
echo
echo "Nära is at http://$NARA_LISTEN/"
echo "Log in at http://$NARA_LISTEN/login as any demo account (development login). Staff:"
./nara user list 2>/dev/null | head -20 || true
echo "The walls: bjuv.handlaggare meets another unit's person (the second Bjuv"
echo "citizen) and may break the glass with a reason; bjuv.sakerhet reviews it;"
echo "Sara Lind, Bjuv sees her child of 6, Johan Berg (a child of 15) and Maria Ek"
echo "(protected) see none. A database made before migration 008: delete it for these."
echo "Stop with Ctrl-C."
exec ./nara serve
