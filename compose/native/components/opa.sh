# shellcheck shell=bash
# Open Policy Agent, built from the Go module proxy with `go install` (OPA
# publishes no Debian package and no Maven artifact). Serves the Rego policies
# in <repo>/policies on 127.0.0.1:8181 and reloads them when they change.
#
# The first build compiles OPA from source: a few minutes on two cores. Go's
# module and build caches stay where Go keeps them by default (~/go/pkg/mod,
# ~/.cache/go-build), so a rebuild after wiping THALWEG_CACHE is much faster.
# Without a Go toolchain new enough for OPA, the toolchain itself is fetched
# from the module proxy (it is the Go module golang.org/toolchain).

OPA_VERSION="${OPA_VERSION:-v1.22.2}"
OPA_DIST="$THALWEG_CACHE/opa-$OPA_VERSION"
OPA_BIN="$OPA_DIST/bin/opa"
OPA_POLICIES="$REPO_ROOT/policies"
# The Go release OPA's go.mod asks for; fetched only when no usable go exists (need_go).
OPA_GO_TOOLCHAIN="${OPA_GO_TOOLCHAIN:-1.26.0}"

opa_port()  { port 8181; }
opa_ports() { opa_port; }
opa_url()   { echo "http://127.0.0.1:$(opa_port)"; }
opa_match() { echo "run --server --addr 127.0.0.1:$(opa_port)"; }
opa_ready_timeout() { echo 30; }

# _opa_installed: the binary exists and reports the pinned version (a build
# killed half way leaves a file that fails this and is rebuilt).
_opa_installed() {
  [ -x "$OPA_BIN" ] && "$OPA_BIN" version 2>/dev/null | has_line "Version: ${OPA_VERSION#v}"
}

# _opa_build: `go install` into OPA_DIST/bin, logging progress every 20 s.
_opa_build() {
  local go buildlog="$OPA_DIST/build.log" t0=$SECONDS pid
  go="$(need_go "$OPA_GO_TOOLCHAIN")"
  mkdir -p "$OPA_DIST"
  log "building OPA $OPA_VERSION from the Go module proxy with $("$go" env GOVERSION) (a few minutes the first time; log: $buildlog)"
  # CGO off: a static binary, and no C compiler needed on a fresh machine.
  # -v prints each package as it is compiled, which is the progress shown below.
  GOBIN="$OPA_DIST/bin" CGO_ENABLED=0 \
    "$go" install -v "github.com/open-policy-agent/opa@$OPA_VERSION" >"$buildlog" 2>&1 &
  pid=$!
  go_build_wait "$pid" "$buildlog" "OPA $OPA_VERSION" "$t0"
  _opa_installed || die "built $OPA_BIN but it does not report version ${OPA_VERSION#v}"
  log "built OPA $OPA_VERSION in $(( SECONDS - t0 ))s"
}

opa_install() {
  _opa_installed && return 0
  mkdir -p "$OPA_DIST"
  # `stack.sh run opa` takes no stack lock: two first runs must not build twice.
  local lock
  exec {lock}>"$OPA_DIST/.build.lock"
  flock "$lock"
  _opa_installed || _opa_build
  exec {lock}>&-
}

# Tests (*_test.rego) are not served: they belong to `opa test`, and loaded into
# the server they would be evaluated by any read of a parent document.
# Every service asks OPA on every request: access logs are written at debug
# level, below the info level kept. No version check (it calls GitHub, which a
# CI host may not reach).
opa_start() {
  [ -d "$OPA_POLICIES" ] || die "no policies directory at $OPA_POLICIES"
  spawn opa "$OPA_BIN" run --server --addr "127.0.0.1:$(opa_port)" \
    --log-level info --log-level-request debug --log-format json --skip-version-check \
    --ignore '*_test.rego' --ignore '.*' \
    --watch "$OPA_POLICIES"
}

# Ready: the server answers /health (which it does only after loading and
# compiling the policies) and the authorization decision is defined.
opa_ready() {
  http_ok "$(opa_url)/health?bundles" || return 1
  [[ "$(curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"input":{}}' \
      "$(opa_url)/v1/data/thalweg/authz/decision" 2>/dev/null)" == *'"result"'* ]]
}

opa_endpoints() {
  printf '  %-12s %s  (OPA %s, policies %s, reloaded on change)\n' opa \
    "$(opa_url)" "$OPA_VERSION" "$OPA_POLICIES"
}

opa_env() {
  echo "THALWEG_OPA_URL=$(opa_url)"
  echo "OPA_URL=$(opa_url)"
}

opa_tools() { echo opa; }

# stack.sh run opa [args...]: the OPA CLI, e.g. `run opa test policies/ -v`.
tool_opa() {
  "$OPA_BIN" "$@"
}
