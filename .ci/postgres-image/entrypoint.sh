#!/bin/sh
# What the official image's entrypoint does on first start: initdb for POSTGRES_USER with
# POSTGRES_PASSWORD, create POSTGRES_DB, accept TCP connections from anywhere, then run postgres.
set -eu
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_PASSWORD:=}"
if [ -z "$POSTGRES_PASSWORD" ]; then
  : "${POSTGRES_HOST_AUTH_METHOD:=trust}"
else
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password_file=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
  initdb --username="$POSTGRES_USER" --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" \
    ${POSTGRES_PASSWORD:+--pwfile="$password_file"} >/dev/null
  rm -f "$password_file"
  echo "host all all all $POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    # A server on the socket only, so that nobody connects over TCP before the database exists.
    pg_ctl --wait --silent --options="-c listen_addresses=''" start
    psql --quiet --username="$POSTGRES_USER" --dbname=postgres \
      --command="CREATE DATABASE \"$POSTGRES_DB\""
    pg_ctl --wait --silent --mode=fast stop
  fi
fi

if [ "${1:-}" = postgres ]; then
  shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
