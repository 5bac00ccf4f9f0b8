# shellcheck shell=bash
# PostgreSQL 15 from Debian's packages. Runs as the `postgres` OS user when the
# stack runs as root (PostgreSQL refuses to run as root), on 127.0.0.1 only.
# Role thalweg/thalweg (superuser: tests create a database each), databases
# `thalweg` and `apicurio` owned by it.

PG_BIN=/usr/lib/postgresql/15/bin
PG_ROLE=thalweg
PG_PASSWORD=thalweg
PG_DATABASES=(thalweg apicurio)

postgres_port()  { port 5432; }
postgres_ports() { postgres_port; }
postgres_data()  { echo "$DATA_DIR/postgres"; }
postgres_match() { postgres_data; }
postgres_stop_signal() { echo INT; }   # "fast" shutdown: don't wait for clients
postgres_ready_timeout() { echo 60; }

# Unix socket directory, private to this stack (socket paths must stay short).
postgres_socket_dir() {
  local d="$RUN_DIR/postgres"
  if [ "${#d}" -gt 90 ]; then
    d="/tmp/thalweg-pg-$(printf '%s' "$THALWEG_HOME" | sha256sum | cut -c1-12)"
  fi
  echo "$d"
}

# Command prefix that drops root privileges to the postgres OS user.
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    echo setpriv --reuid=postgres --regid=postgres --init-groups --
  fi
}

# Give a directory to the postgres OS user (no-op when not root).
_pg_own() {
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$@"; fi
}

postgres_install() {
  if [ ! -x "$PG_BIN/postgres" ]; then
    apt_install postgresql-15
    # The package creates and may start a system cluster "15/main" on 5432;
    # this stack runs its own cluster, so keep the system one out of the way.
    if [ -d /etc/postgresql/15/main ] && have pg_ctlcluster; then
      as_root pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
      echo manual | as_root tee /etc/postgresql/15/main/start.conf >/dev/null || true
    fi
  fi
  [ -x "$PG_BIN/postgres" ] || die "postgres binary missing at $PG_BIN/postgres after install"
}

_pg_init() {
  local d; d="$(postgres_data)"
  if [ "$(id -u)" -eq 0 ] && ! $(_pg_as) test -x "$DATA_DIR"; then
    die "the postgres OS user cannot reach $DATA_DIR (a parent directory is not world-searchable); chmod o+x its parents or set THALWEG_HOME elsewhere"
  fi
  [ -s "$d/PG_VERSION" ] && return 0
  log "initdb $d"
  mkdir -p "$d"
  chmod 700 "$d"
  _pg_own "$d"
  # shellcheck disable=SC2046
  $(_pg_as) "$PG_BIN/initdb" -D "$d" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$(log_file postgres-initdb)" 2>&1 \
    || { show_log_tail postgres-initdb; die "initdb failed"; }
}

postgres_start() {
  local d sock; d="$(postgres_data)"; sock="$(postgres_socket_dir)"
  _pg_init
  mkdir -p "$sock"
  _pg_own "$sock"
  # shellcheck disable=SC2046
  spawn postgres $(_pg_as) "$PG_BIN/postgres" -D "$d" \
    -c listen_addresses=127.0.0.1 \
    -c port="$(postgres_port)" \
    -c unix_socket_directories="$sock" \
    -c max_connections=300 \
    -c shared_buffers=128MB \
    -c synchronous_commit=off \
    -c max_wal_size=1GB \
    -c logging_collector=off \
    -c log_line_prefix='%m [%p] %q%u@%d ' \
    -c password_encryption=scram-sha-256
}

postgres_ready() {
  pg_isready -q -h 127.0.0.1 -p "$(postgres_port)" -t 2
}

# psql as the bootstrap superuser over the private unix socket.
_pg_admin_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$(postgres_socket_dir)" -p "$(postgres_port)" \
    -U postgres -d postgres
}

postgres_setup() {
  local db
  _pg_admin_psql >/dev/null <<SQL || return 1
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  for db in "${PG_DATABASES[@]}"; do
    _pg_admin_psql >/dev/null <<SQL || return 1
SELECT 'CREATE DATABASE $db OWNER $PG_ROLE'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \gexec
SQL
  done
}

postgres_url() {
  echo "postgresql://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$(postgres_port)/thalweg"
}

postgres_endpoints() {
  printf '  %-12s %s  (databases: %s)\n' postgres "$(postgres_url)" "${PG_DATABASES[*]}"
}

postgres_env() {
  echo "THALWEG_DATABASE_URL=$(postgres_url)"
  echo "DATABASE_URL=$(postgres_url)"
  echo "PGHOST=127.0.0.1"
  echo "PGPORT=$(postgres_port)"
  echo "PGUSER=$PG_ROLE"
  echo "PGPASSWORD=$PG_PASSWORD"
}

postgres_tools() { echo psql; }

# stack.sh run psql [args...]: psql connected as thalweg to database thalweg.
tool_psql() {
  PGPASSWORD="$PG_PASSWORD" psql -h 127.0.0.1 -p "$(postgres_port)" -U "$PG_ROLE" -d thalweg "$@"
}
