# shellcheck shell=bash
# FerretDB, a MongoDB wire protocol server storing its documents in the stack's
# PostgreSQL (database `ferretdb`), on 127.0.0.1:27017. It stands in for
# MongoDB, which has no package in these hosts' registries; compose runs real
# MongoDB. The version is pinned by the Go module in compose/native/ferretdb
# (its go.mod names FerretDB as a tool), built from the Go module proxy.
#
# Clients connect without credentials: FerretDB 1.x passes each client's user
# on to PostgreSQL, and an anonymous client is the user of --postgresql-url.

FERRETDB_MODULE_DIR="$NATIVE_DIR/ferretdb"
FERRETDB_VERSION="$(awk '$1 == "github.com/FerretDB/FerretDB" {print $2}' "$FERRETDB_MODULE_DIR/go.mod")"
FERRETDB_DIST="$THALWEG_CACHE/ferretdb-$FERRETDB_VERSION"
FERRETDB_BIN="$FERRETDB_DIST/bin/ferretdb"
FERRETDB_DATABASE=ferretdb
# The Go release fetched only when the host has no usable go (need_go).
FERRETDB_GO_TOOLCHAIN="${FERRETDB_GO_TOOLCHAIN:-1.26.0}"

ferretdb_requires() { echo postgres; }
ferretdb_port()  { port 27017; }
ferretdb_ports() { ferretdb_port; }
ferretdb_match() { echo "--listen-addr=127.0.0.1:$(ferretdb_port)"; }
ferretdb_ready_timeout() { echo 30; }
ferretdb_url()   { echo "mongodb://127.0.0.1:$(ferretdb_port)/thalweg"; }

_ferretdb_installed() {
  [ -x "$FERRETDB_BIN" ] && "$FERRETDB_BIN" --version 2>/dev/null | has_line "version: $FERRETDB_VERSION"
}

# _ferretdb_build: FerretDB's main package panics unless build/version/version.txt
# holds its version, a file its release process writes and its module zip lacks.
# So the module is vendored into the cache, the file written there, and the
# vendored tree built (then deleted: only the binary is kept).
_ferretdb_build() {
  local go src="$FERRETDB_DIST/src" buildlog="$FERRETDB_DIST/build.log" t0=$SECONDS
  go="$(need_go "$FERRETDB_GO_TOOLCHAIN")"
  rm -rf "$src"
  mkdir -p "$src"
  cp "$FERRETDB_MODULE_DIR/go.mod" "$FERRETDB_MODULE_DIR/go.sum" "$src/"
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy with $("$go" env GOVERSION) (a minute or two the first time; log: $buildlog)"
  (
    cd "$src"
    "$go" mod vendor
    echo "$FERRETDB_VERSION" >vendor/github.com/FerretDB/FerretDB/build/version/version.txt
    echo thalweg-native >vendor/github.com/FerretDB/FerretDB/build/version/package.txt
    # CGO off: a static binary, and no C compiler needed on a fresh machine.
    CGO_ENABLED=0 "$go" build -mod=vendor -trimpath -o "$FERRETDB_BIN" github.com/FerretDB/FerretDB/cmd/ferretdb
  ) >"$buildlog" 2>&1 || { tail -n 30 "$buildlog" >&2; die "building FerretDB $FERRETDB_VERSION failed (log: $buildlog)"; }
  rm -rf "$src"
  _ferretdb_installed || die "built $FERRETDB_BIN but it does not report version $FERRETDB_VERSION"
  log "built FerretDB $FERRETDB_VERSION in $(( SECONDS - t0 ))s"
}

ferretdb_install() {
  [ -n "$FERRETDB_VERSION" ] || die "no FerretDB version in $FERRETDB_MODULE_DIR/go.mod"
  _ferretdb_installed && return 0
  mkdir -p "$FERRETDB_DIST"
  # Two stacks sharing the cache must not build into the same directory at once.
  local lock
  exec {lock}>"$FERRETDB_DIST/.build.lock"
  flock "$lock"
  _ferretdb_installed || _ferretdb_build
  exec {lock}>&-
}

# The PostgreSQL database FerretDB keeps its documents in (one schema per
# MongoDB database); FerretDB does not create it.
_ferretdb_database() {
  _pg_admin_psql >/dev/null <<SQL
SELECT 'CREATE DATABASE $FERRETDB_DATABASE OWNER $PG_ROLE'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$FERRETDB_DATABASE') \gexec
SQL
}

# No telemetry (it would call out of a CI host) and no debug HTTP listener (one
# more port to collide); state (the instance id) under the stack's data dir.
ferretdb_start() {
  _ferretdb_database || die "could not create the PostgreSQL database $FERRETDB_DATABASE"
  mkdir -p "$DATA_DIR/ferretdb"
  spawn ferretdb "$FERRETDB_BIN" \
    --listen-addr="127.0.0.1:$(ferretdb_port)" \
    --handler=postgresql \
    --postgresql-url="postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$(postgres_port)/$FERRETDB_DATABASE" \
    --state-dir="$DATA_DIR/ferretdb" \
    --telemetry=disable \
    --debug-addr=- \
    --log-level=info --log-format=json
}

# _ferretdb_ping: sends the MongoDB `ping` command as one OP_MSG and checks the
# reply says ok: 1.0. FerretDB answers ping only after reaching PostgreSQL, so
# this is readiness, not just an open port. Message: header (length 51,
# requestID 1, responseTo 0, opCode 2013), flagBits 0, section kind 0 with the
# BSON document {ping: 1, $db: "admin"}.
_ferretdb_ping() {
  local reply length
  reply="$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$(ferretdb_port)" || exit 1
    printf '\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00' >&3
    printf '\x00\x00\x00\x00\x00' >&3
    printf '\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02$db\x00\x06\x00\x00\x00admin\x00\x00' >&3
    # The reply starts with its length; dd reads no more than it is asked for.
    length="$(timeout 5 dd bs=1 count=4 status=none <&3 | od -An -tu4 | tr -d ' ')"
    [ "${length:-0}" -gt 4 ] && [ "$length" -lt 65536 ] || exit 1
    timeout 5 dd bs=1 count=$(( length - 4 )) status=none <&3 | od -An -v -tx1 | tr -d ' \n'
  )" || return 1
  # The element "ok" as the double 1.0: type 0x01, "ok\0", 8 bytes little-endian.
  [[ "$reply" == *016f6b00000000000000f03f* ]]
}

ferretdb_ready() { _ferretdb_ping; }

ferretdb_endpoints() {
  printf '  %-12s %s  (FerretDB %s on PostgreSQL database %s; no credentials)\n' ferretdb \
    "$(ferretdb_url)" "$FERRETDB_VERSION" "$FERRETDB_DATABASE"
}

ferretdb_env() {
  echo "THALWEG_MONGODB_URL=$(ferretdb_url)"
}

ferretdb_tools() { echo ferretdb; }

# stack.sh run ferretdb [args...]: the FerretDB binary, e.g. a private instance a test stops.
tool_ferretdb() {
  "$FERRETDB_BIN" "$@"
}
