# shellcheck shell=bash
# Jaeger v2, the trace backend of the native stack: one `jaeger` process (an OpenTelemetry
# Collector build with Jaeger's storage and query extensions) receives OTLP on 127.0.0.1:4318
# (HTTP) and 4317 (gRPC), keeps the traces in memory, and answers Jaeger's query API on
# 127.0.0.1:16686 (/api/traces/{id}, /api/traces?service=...). Compose runs Tempo instead, which
# is licensed under the AGPL-3.0; Jaeger is Apache-2.0.
#
# The version is pinned by the Go module in compose/native/jaeger (its go.mod names Jaeger's
# cmd/jaeger as a tool), built from the Go module proxy. Jaeger tags each release twice, v1.x
# and v2.x on one commit; its Go module carries the v1 tag (v1.76.0 is Jaeger v2.13.0).

JAEGER_MODULE_DIR="$NATIVE_DIR/jaeger"
JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_VERSION="$(awk -v m="$JAEGER_MODULE" '$1 == m {print $2}' "$JAEGER_MODULE_DIR/go.mod")"
JAEGER_DIST="$THALWEG_CACHE/jaeger-$JAEGER_VERSION"
JAEGER_BIN="$JAEGER_DIST/bin/jaeger"
# The Go release fetched only when the host has no usable go (need_go).
JAEGER_GO_TOOLCHAIN="${JAEGER_GO_TOOLCHAIN:-1.26.0}"
# In-memory storage: the oldest traces are dropped past this many; a restart drops them all.
JAEGER_MAX_TRACES="${JAEGER_MAX_TRACES:-100000}"

jaeger_otlp_http_port() { port 4318; }
jaeger_otlp_grpc_port() { port 4317; }
jaeger_query_port()     { port 16686; }
jaeger_query_grpc_port() { port 16685; }
jaeger_health_port()    { port 13133; }
jaeger_ports() {
  echo "$(jaeger_otlp_http_port) $(jaeger_otlp_grpc_port) $(jaeger_query_port) $(jaeger_query_grpc_port) $(jaeger_health_port)"
}
jaeger_url()      { echo "http://127.0.0.1:$(jaeger_query_port)"; }
jaeger_otlp_url() { echo "http://127.0.0.1:$(jaeger_otlp_http_port)"; }
jaeger_data()     { echo "$DATA_DIR/jaeger"; }
jaeger_match()    { echo "--config $(jaeger_data)/config.yaml"; }
jaeger_ready_timeout() { echo 30; }

# _jaeger_release: the v2 release the cached binary was built as (written by the build).
_jaeger_release() { cat "$JAEGER_DIST/release" 2>/dev/null || true; }

# _jaeger_installed: the binary exists and reports the release it was built as (a build killed
# half way leaves no release file, or a binary that fails this, and is built again).
_jaeger_installed() {
  local release
  release="$(_jaeger_release)"
  [ -x "$JAEGER_BIN" ] && [ -n "$release" ] \
    && [[ "$("$JAEGER_BIN" version 2>/dev/null)" == *"\"gitVersion\":\"$release\""* ]]
}

# _jaeger_release_of <module dir>: the v2 release of the pinned module, from the heading of its
# CHANGELOG.md ("v1.76.0 / v2.13.0 (2025-12-03)"); the module version when there is none.
_jaeger_release_of() {
  local release
  release="$(sed -n "s|^$JAEGER_VERSION / \(v2\.[0-9][0-9.]*\) .*|\1|p" "$1/CHANGELOG.md" 2>/dev/null | head -n 1)"
  echo "${release:-$JAEGER_VERSION}"
}

# _jaeger_build: builds the pinned cmd/jaeger in a copy of compose/native/jaeger in the cache,
# logging progress every 20 s. `go install module@version` cannot: Jaeger's go.mod has a replace
# directive, which go install refuses; compose/native/jaeger/go.mod repeats it.
_jaeger_build() {
  local go src="$JAEGER_DIST/src" buildlog="$JAEGER_DIST/build.log" t0=$SECONDS pid moddir release
  go="$(need_go "$JAEGER_GO_TOOLCHAIN")"
  rm -rf "$src" "$JAEGER_DIST/release"
  mkdir -p "$src" "$JAEGER_DIST/bin"
  cp "$JAEGER_MODULE_DIR/go.mod" "$JAEGER_MODULE_DIR/go.sum" "$src/"
  log "building Jaeger ($JAEGER_MODULE $JAEGER_VERSION) from the Go module proxy with $("$go" env GOVERSION) (about 5 minutes the first time; log: $buildlog)"
  moddir="$(cd "$src" && "$go" mod download "$JAEGER_MODULE" >"$buildlog" 2>&1 && "$go" list -m -f '{{.Dir}}' "$JAEGER_MODULE" 2>>"$buildlog")" \
    || { tail -n 30 "$buildlog" >&2; die "downloading $JAEGER_MODULE $JAEGER_VERSION failed (log: $buildlog)"; }
  release="$(_jaeger_release_of "$moddir")"
  # CGO off: a static binary, and no C compiler needed on a fresh machine. -buildvcs=false: the
  # cache may sit inside this repository's work tree, whose commit is not Jaeger's. -v prints each
  # package as it is compiled, which is the progress shown below.
  (
    cd "$src" || exit 1
    CGO_ENABLED=0 exec "$go" build -v -trimpath -buildvcs=false \
      -ldflags "-X $JAEGER_MODULE/internal/version.latestVersion=$release" \
      -o "$JAEGER_BIN" "$JAEGER_MODULE/cmd/jaeger"
  ) >>"$buildlog" 2>&1 &
  pid=$!
  go_build_wait "$pid" "$buildlog" "Jaeger $JAEGER_VERSION" "$t0"
  rm -rf "$src"
  echo "$release" >"$JAEGER_DIST/release"
  _jaeger_installed || die "built $JAEGER_BIN but it does not report version $release"
  log "built Jaeger $release ($JAEGER_MODULE $JAEGER_VERSION) in $(( SECONDS - t0 ))s"
}

jaeger_install() {
  [ -n "$JAEGER_VERSION" ] || die "no $JAEGER_MODULE version in $JAEGER_MODULE_DIR/go.mod"
  _jaeger_installed && return 0
  mkdir -p "$JAEGER_DIST"
  # Two stacks sharing the cache must not build into the same directory at once.
  local lock
  exec {lock}>"$JAEGER_DIST/.build.lock"
  flock "$lock"
  _jaeger_installed || _jaeger_build
  exec {lock}>&-
}

# _jaeger_config: Jaeger's all-in-one configuration, every listener on 127.0.0.1. Only the OTLP
# receiver (no Jaeger Thrift or Zipkin ports), no sampling server, no pprof; the collector's own
# metrics are off (no port for them).
_jaeger_config() {
  cat <<EOF
# Written by compose/native/stack.sh at every start of jaeger: edits are lost.
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info

extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: 127.0.0.1:$(jaeger_health_port)
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:$(jaeger_query_port)
    grpc:
      endpoint: 127.0.0.1:$(jaeger_query_grpc_port)
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: $JAEGER_MAX_TRACES

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:$(jaeger_otlp_grpc_port)
      http:
        endpoint: 127.0.0.1:$(jaeger_otlp_http_port)

processors:
  batch:

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
EOF
}

jaeger_start() {
  local conf
  conf="$(jaeger_data)/config.yaml"
  mkdir -p "$(jaeger_data)"
  _jaeger_config >"$conf.tmp"
  mv -f "$conf.tmp" "$conf"
  spawn jaeger "$JAEGER_BIN" --config "$conf"
}

# Ready: the health check says every pipeline component is up (/status answers 200 only then),
# and the query API answers.
jaeger_ready() {
  http_ok "http://127.0.0.1:$(jaeger_health_port)/status" || return 1
  http_ok "$(jaeger_url)/api/services"
}

jaeger_endpoints() {
  printf '  %-12s %s  (Jaeger %s query API: /api/traces/{id}, /api/traces?service=; traces in memory)\n' jaeger \
    "$(jaeger_url)" "$(_jaeger_release)"
  printf '  %-12s %s (HTTP), 127.0.0.1:%s (gRPC)  (OTLP traces into Jaeger)\n' otlp \
    "$(jaeger_otlp_url)" "$(jaeger_otlp_grpc_port)"
}

jaeger_env() {
  echo "OTEL_EXPORTER_OTLP_ENDPOINT=$(jaeger_otlp_url)"
  # Jaeger takes traces only (its /v1/metrics and /v1/logs answer 404), and the OpenTelemetry SDK
  # exports metrics and logs over OTLP unless told not to: the services' metrics are prom-client's
  # on /metrics, scraped by Prometheus, and their logs go to their log files.
  echo "OTEL_METRICS_EXPORTER=none"
  echo "OTEL_LOGS_EXPORTER=none"
  echo "THALWEG_TRACES_URL=$(jaeger_url)"
}
