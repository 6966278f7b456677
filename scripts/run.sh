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
# The secret key that seals two-step (TOTP) secrets at rest. For the demo a
# development key is made once in var/, beside the demo database; a real
# installation sets NARA_SECRET_KEY itself (docs/operations.md).
if [ -z "${NARA_SECRET_KEY:-}" ]; then
  if [ ! -s var/dev-secret.key ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > var/dev-secret.key)
    echo "Made a development secret key in var/dev-secret.key (NARA_SECRET_KEY); never use it in production."
  else
    echo "Using the development secret key in var/dev-secret.key (NARA_SECRET_KEY)."
  fi
  NARA_SECRET_KEY=$(cat var/dev-secret.key)
  export NARA_SECRET_KEY
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
echo "Stop with Ctrl-C."
exec ./nara serve
