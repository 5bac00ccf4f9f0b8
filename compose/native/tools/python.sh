# shellcheck shell=bash
# The Python tool environment: one virtualenv under THALWEG_CACHE holding exactly the packages
# compose/native/python/requirements.txt pins (confluent-kafka with its Avro serializer, for the
# producer tests; schemathesis, the API fuzzer). Not a component: nothing runs, it only offers
# tools to `stack.sh run`, and it is made on first use, so a fresh CI machine gets it from `make
# test` itself. The directory is named after the requirements' hash: a changed pin is a new
# environment, and an environment is never half updated.

PYTHON_REQUIREMENTS="$NATIVE_DIR/python/requirements.txt"
PYTHON_ENV_DIR="$THALWEG_CACHE/python-env-$(file_sha "$PYTHON_REQUIREMENTS")"
PYTHON_ENV_BIN="$PYTHON_ENV_DIR/venv/bin"

# _python_env_ready: made to the end (the marker is written last) and its interpreter still there
# (a venv links the python3 it was made with).
_python_env_ready() {
  [ -f "$PYTHON_ENV_DIR/.complete" ] && [ -x "$PYTHON_ENV_BIN/python" ]
}

# _python_host: a python3 of 3.10 or later (what the pins were resolved for); Debian's when none.
_python_host() {
  have python3 || apt_install python3 python3-venv
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "python: $(python3 --version 2>&1) is older than 3.10, which $PYTHON_REQUIREMENTS is pinned for"
  command -v python3
}

_python_env_build() {
  local host t0=$SECONDS venv="$PYTHON_ENV_DIR/venv"
  host="$(_python_host)"
  log "making the Python tool environment from PyPI ($(basename "$PYTHON_REQUIREMENTS"), $("$host" --version 2>&1)) in $PYTHON_ENV_DIR"
  rm -rf "$venv" "$PYTHON_ENV_DIR/.complete"
  # Debian's python3 makes no venv (ensurepip is missing) without its python3-venv package.
  if ! "$host" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    apt_install python3-venv
    "$host" -m venv "$venv" || die "python3 -m venv $venv failed"
  fi
  # --no-deps: the file pins every transitive package; pip check proves none is missing.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
    -r "$PYTHON_REQUIREMENTS" || die "pip install -r $PYTHON_REQUIREMENTS failed"
  "$venv/bin/python" -m pip check --disable-pip-version-check >&2 \
    || die "the packages of $PYTHON_REQUIREMENTS do not satisfy each other's requirements (pip check above)"
  touch "$PYTHON_ENV_DIR/.complete"
  log "made the Python tool environment in $(( SECONDS - t0 ))s"
}

python_install() {
  _python_env_ready && return 0
  mkdir -p "$PYTHON_ENV_DIR"
  # `stack.sh run` takes no stack lock: two first runs (parallel tests) must not build it twice.
  local lock
  exec {lock}>"$PYTHON_ENV_DIR/.install.lock"
  flock "$lock"
  _python_env_ready || _python_env_build
  exec {lock}>&-
}

python_tools() { echo python schemathesis; }

# stack.sh run python [args...]: the environment's interpreter, e.g. `run python tests/producers/python/produce.py --help`.
tool_python() {
  exec "$PYTHON_ENV_BIN/python" "$@"
}

# stack.sh run schemathesis [args...]: the pinned schemathesis CLI, e.g. `run schemathesis run --help`.
tool_schemathesis() {
  exec "$PYTHON_ENV_BIN/schemathesis" "$@"
}
