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
# The master key for data at rest. A development key is made once in var/;
# a real installation keeps its own elsewhere (docs/operations.md).
if [ -z "${NARA_SECRET_KEY:-}" ] && [ -z "${NARA_SECRET_KEY_FILE:-}" ]; then
  if [ ! -f var/secret.key ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >var/secret.key)
    echo "Made a development master key in var/secret.key (keep it with var/nara.db)."
  fi
  export NARA_SECRET_KEY_FILE=var/secret.key
fi
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
echo
echo "To log in with a password (as a municipality's first administrator would),"
echo "give an account one; it reads the password from standard input:"
echo "  ./nara user password helsingborg.admin"
echo "or make a new administrator with a password:"
echo "  ./nara user add --municipality helsingborg --username admin.anna --name 'Anna Admin' \\"
echo "      --unit administration --role municipal_admin --password-stdin"
echo "Then log in at http://$NARA_LISTEN/login and turn on two-step verification at"
echo "http://$NARA_LISTEN/konto/tvastegsverifiering."
echo "The walls: bjuv.handlaggare meets another unit's person (the second Bjuv"
echo "citizen) and may break the glass with a reason; bjuv.sakerhet reviews it;"
echo "Sara Lind, Bjuv sees her child of 6, Johan Berg (a child of 15) and Maria Ek"
echo "(protected) see none. A database made before migration 008: delete it for these."
echo "Stop with Ctrl-C."
exec ./nara serve
