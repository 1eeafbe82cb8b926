# PostgreSQL helpers for scripts/*: sourced after common.sh, never run on its own.
# A throwaway PostgreSQL cluster from Debian's packages, on loopback, for the tests and for scripts/cluster.

# The bin directory of the newest installed PostgreSQL, or nothing.
pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

# Installs PostgreSQL from Debian's packages if it is missing.
ensure_postgres() {
  if [ -n "$(pg_bin)" ]; then return 0; fi
  log "installing PostgreSQL from Debian's packages (apt-get install postgresql)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null \
    || die "could not install PostgreSQL; run 'apt-get install postgresql' yourself"
  [ -n "$(pg_bin)" ] || die "PostgreSQL was installed but no /usr/lib/postgresql/*/bin/initdb was found"
}

# Runs a PostgreSQL program as the postgres user when we are root (PostgreSQL refuses to run as root).
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR PORT: starts (creating if new) a cluster in DIR on 127.0.0.1:PORT with database and user
# "keybridge" (trust authentication, loopback only). DIR must be reachable by the postgres user (e.g. under /tmp).
start_postgres() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin)"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir" && chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null \
      || die "initdb failed in $dir"
  fi
  as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null \
    || die "PostgreSQL did not start; see $dir/postgres.log"
  as_postgres "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL' \
    || die "could not create the keybridge database"
SELECT 'CREATE ROLE keybridge LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'keybridge')\gexec
SELECT 'CREATE DATABASE keybridge OWNER keybridge' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'keybridge')\gexec
SQL
}

# stop_postgres DIR
stop_postgres() {
  local bin
  bin="$(pg_bin)"
  as_postgres "$bin/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}
