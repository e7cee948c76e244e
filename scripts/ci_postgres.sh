#!/usr/bin/env bash
# Start a local PostgreSQL server for the store tests and print its URL: the only line on stdout.
#
# For a fresh Debian machine, as root: installs the server with apt when it is missing, creates
# and starts the default cluster, creates a login role and a database. Safe to run again: it
# reuses the running server, the role, the database and the role's password.
#
#   export OPTIMISER_TEST_DATABASE_URL="$(bash scripts/ci_postgres.sh)"
#   python -m pytest -q tests/unit/test_store.py
#
# Settings (environment): OPTIMISER_PG_DB (default optimiser_test), OPTIMISER_PG_USER
# (default optimiser). Progress and errors go to stderr.
set -euo pipefail

DB_NAME="${OPTIMISER_PG_DB:-optimiser_test}"
DB_USER="${OPTIMISER_PG_USER:-optimiser}"
# The role's password is made once and kept here (root only), so the URL stays valid across runs.
PASSWORD_FILE="${OPTIMISER_PG_PASSWORD_FILE:-/root/.config/optimiser/test_postgres_password}"

log() { echo "ci_postgres: $*" >&2; }
fail() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root: it installs and starts a database server"
[[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "OPTIMISER_PG_DB must be lower-case letters, digits and _"
[[ "$DB_USER" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "OPTIMISER_PG_USER must be lower-case letters, digits and _"

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
cluster() { pg_lsclusters -h | awk -v v="$version" -v f="$1" '$1 == v && $2 == "main" { print $f }'; }

if [ -z "$(cluster 1)" ]; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main >&2
fi
port="$(cluster 3)"
if [ "$(cluster 4)" != "online" ]; then
  log "starting cluster $version/main on port $port"
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || fail "the server on port $port did not accept connections within 30 s"

if [ -s "$PASSWORD_FILE" ]; then
  password="$(cat "$PASSWORD_FILE")"
else
  mkdir -p "$(dirname "$PASSWORD_FILE")"
  password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s' "$password" > "$PASSWORD_FILE")
fi

as_postgres() { runuser -u postgres -- "$@"; }
as_postgres psql -q -v ON_ERROR_STOP=1 -p "$port" -d postgres >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $DB_USER WITH LOGIN PASSWORD '$password';
SQL
if [ "$(as_postgres psql -tA -p "$port" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  log "creating database $DB_NAME owned by $DB_USER"
  as_postgres createdb -p "$port" -O "$DB_USER" "$DB_NAME"
fi

log "ready: database $DB_NAME on 127.0.0.1:$port"
echo "postgresql+psycopg://$DB_USER:$password@127.0.0.1:$port/$DB_NAME"
