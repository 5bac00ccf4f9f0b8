#!/usr/bin/env bash
# Offline checks of the compose runtime. Nothing here starts a container: on a host without a
# Docker engine this is as far as the compose stack can be verified.
#
#   compose/check.sh                  run every check whose tool is available, skip the others
#   compose/check.sh --install-tools  first build the validators from the Go module proxy into
#                                     .thalweg/tools/bin, then run every check; none may be skipped
#                                     (what CI runs, through `make check-compose`)
#
# The builds are cached: a tool is rebuilt only when its pinned version changes (a stamp beside
# each binary), and Go's module and build caches live in THALWEG_CACHE/go (default
# .thalweg/cache/go, git-ignored, beside the native stack's downloads), so a second run builds
# nothing. THALWEG_TOOLS (default .thalweg/tools) moves the binaries. Without Go on the host, the
# Go release named below is fetched from the module proxy, as the native stack does for OPA.
#
# Always run (needs Node and the workspace's node_modules):
#   compose/*.test.ts                 YAML parses; depends_on targets exist and wait for health;
#                                     healthchecks; pinned images, at the native stack's versions;
#                                     mounted files exist; host ports unique; Kafka listeners,
#                                     SASL/SCRAM principals and durability; Kafka UI's decoding;
#                                     gateway routes; Prometheus targets and rule files, Promtail,
#                                     Grafana datasources, collector pipelines.
# Run when the tool is found (in .thalweg/tools/bin, the pinned builds, else on PATH):
#   docker compose config -q          the Compose specification's own validation and interpolation
#                                     (works without a daemon: it only reads files)
#   promtool check config / rules     prometheus.yml, the alert rules, and every PromQL expression
#                                     of the dashboards
#   promtool test rules               the alert rules' unit tests (observability/prometheus/rules/
#                                     *.test.yml); again with the native stack's promtool (Debian's
#                                     release, which its Prometheus runs) where that is installed
#   otelcol validate                  the OpenTelemetry Collector configuration
# Exit status: 0 when every check that ran passed (and, with --install-tools, none was skipped),
# 1 otherwise. Skipped checks are listed.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo" || exit 1
# need_go, THALWEG_CACHE: the native stack's helpers (sourced; they only define functions and paths).
# shellcheck source=native/lib.sh
source "$repo/compose/native/lib.sh"
tools_root="${THALWEG_TOOLS:-$repo/.thalweg/tools}"
case "$tools_root" in /*) ;; *) tools_root="$repo/$tools_root" ;; esac
tools="$tools_root/bin"

# Versions matched to the images in docker-compose.yml.
compose_module_version=v2.40.3       # github.com/docker/compose/v2
promtool_module_version=v0.301.0     # github.com/prometheus/prometheus = Prometheus 3.1.0
otelcol_version=0.155.0              # otel/opentelemetry-collector-contrib:0.155.0
# The Go release fetched when the host has none (or one older than 1.21).
go_toolchain=1.26.0

passed=()
failed=()
skipped=()

run() { # run <name> <command...>
  local name="$1"
  shift
  echo "==> $name"
  if "$@"; then passed+=("$name"); else failed+=("$name"); fi
}

skip() { # skip <name> <reason>
  echo "==> $1: skipped ($2)"
  skipped+=("$1: $2")
}

find_tool() { # prints the path of the first tool found, in .thalweg/tools/bin or on PATH
  local candidate
  # The pinned builds first: the native stack's Prometheus puts Debian's older promtool on PATH.
  for candidate in "$@"; do
    if [ -x "$tools/$candidate" ]; then echo "$tools/$candidate"; return 0; fi
  done
  for candidate in "$@"; do
    if command -v "$candidate" > /dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}

# built <binary> <stamp>: true when the binary is there and was built from exactly <stamp>.
built() { [ -x "$tools/$1" ] && [ "$(cat "$tools/.$1.stamp" 2>/dev/null)" = "$2" ]; }
stamp() { printf '%s\n' "$2" > "$tools/.$1.stamp"; }

build_go_tool() { # build_go_tool <module@version> <main package> <binary name>
  if built "$3" "$1 $2"; then echo "==> $3 ($1): built already"; return 0; fi
  # `go install pkg@version` refuses modules whose go.mod has replace or exclude directives (both
  # prometheus and docker/compose have some): build them as a dependency of a throwaway module.
  echo "==> building $3 ($1)"
  local dir="$work/$3" t0=$SECONDS
  mkdir -p "$dir" &&
    (
      cd "$dir" &&
        "$go" mod init "thalweg-check-tools/$3" > /dev/null 2>&1 &&
        "$go" get "$1" "$2@${1##*@}" &&
        GOFLAGS="$GOFLAGS -buildvcs=false" "$go" build -o "$tools/$3" "$2"
    ) || return 1
  stamp "$3" "$1 $2"
  echo "==> built $3 in $(( SECONDS - t0 ))s"
}

# The collector components observability/otel-collector/config.yaml uses, for the builder.
otelcol_components() {
  cat <<EOF
extensions:
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension v$otelcol_version
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$otelcol_version
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v$otelcol_version
  - gomod: go.opentelemetry.io/collector/processor/memorylimiterprocessor v$otelcol_version
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/otlpexporter v$otelcol_version
  - gomod: go.opentelemetry.io/collector/exporter/otlphttpexporter v$otelcol_version
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusexporter v$otelcol_version
EOF
}

build_otelcol() {
  local want t0=$SECONDS
  want="otelcol $otelcol_version $(otelcol_components | sha256sum | cut -c1-16)"
  if built otelcol "$want"; then echo "==> otelcol ($otelcol_version): built already"; return 0; fi
  # The contrib distribution is assembled by the collector builder from the components we use.
  echo "==> building otelcol ($otelcol_version) with the components observability/ uses"
  GOBIN="$work/bin" "$go" install "go.opentelemetry.io/collector/cmd/builder@v$otelcol_version" || return 1
  {
    cat <<EOF
dist:
  name: otelcol
  description: OpenTelemetry Collector with the components Thalweg's compose stack configures
  output_path: $work/otelcol
  version: $otelcol_version
EOF
    otelcol_components
  } > "$work/builder.yaml"
  # The builder runs the `go` it finds on PATH.
  PATH="$(dirname "$go"):$PATH" GOFLAGS="$GOFLAGS -buildvcs=false" "$work/bin/builder" --config "$work/builder.yaml" > "$work/builder.log" 2>&1 || { tail -40 "$work/builder.log"; return 1; }
  cp "$work/otelcol/otelcol" "$tools/otelcol" || return 1
  stamp otelcol "$want"
  echo "==> built otelcol in $(( SECONDS - t0 ))s"
}

install_tools() {
  local go work
  go="$(need_go "$go_toolchain")" || return 1
  mkdir -p "$tools" "$THALWEG_CACHE/go"
  # Go's caches in the project's cache folder, so a second run (or a CI cache of .thalweg/cache)
  # downloads and compiles nothing; -modcacherw lets `rm -rf` clear them. -trimpath keeps source
  # paths out of the build cache's keys: without it a cache restored under another path (another
  # checkout, another THALWEG_CACHE) is recompiled from scratch (measured: 958 s for promtool).
  export GOMODCACHE="$THALWEG_CACHE/go/mod" GOCACHE="$THALWEG_CACHE/go/build"
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw -trimpath"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  build_go_tool "github.com/prometheus/prometheus@$promtool_module_version" github.com/prometheus/prometheus/cmd/promtool promtool || return 1
  build_go_tool "github.com/docker/compose/v2@$compose_module_version" github.com/docker/compose/v2/cmd docker-compose || return 1
  build_otelcol
}

require_all=0
if [ "${1:-}" = "--install-tools" ]; then
  t0=$SECONDS
  install_tools || { echo "installing the validators failed" >&2; exit 1; }
  echo "==> validators ready in $(( SECONDS - t0 ))s"
  require_all=1
fi

# 1. Consistency of the files with one another (always).
run "consistency tests (compose/*.test.ts)" node --import tsx --test --test-reporter=spec compose/*.test.ts

run "init script syntax (bash -n)" bash -n compose/config/postgres/initdb/100-apicurio-database.sh
# The Kafka images run these with their POSIX sh (busybox); the tests above run them with this host's sh.
run "Kafka start and init script syntax (sh -n)" sh -c 'sh -n compose/config/kafka/start.sh && sh -n compose/config/kafka/init.sh'

# 2. The Compose specification, through the real client.
compose_cmd=()
if docker compose version > /dev/null 2>&1; then
  compose_cmd=(docker compose)
elif compose_bin="$(find_tool docker-compose)" && ! "$compose_bin" version 2>/dev/null | grep -q 'version 1\.'; then
  compose_cmd=("$compose_bin")
fi
if [ "${#compose_cmd[@]}" -gt 0 ]; then
  run "${compose_cmd[*]} config -q" "${compose_cmd[@]}" -f compose/docker-compose.yml config -q
else
  skip "docker compose config -q" "no Compose v2 client (the docker CLI here has no compose plugin); run with --install-tools"
fi

# 3. Prometheus configuration and the dashboards' PromQL.
dashboard_rules() { # every Prometheus expression of the dashboards, as recording rules promtool can parse
  node --input-type=module - "$1" <<'EOF'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
const dir = 'observability/grafana/dashboards';
const rules = [];
for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (typeof node.expr === 'string' && node.datasource?.type === 'prometheus') {
      // Grafana's interval variables are not PromQL: give them a value before parsing.
      const expr = node.expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h');
      rules.push({ record: `dashboard:${file.replace(/\W/g, '_')}:${rules.length}`, expr });
    }
    Object.values(node).forEach(walk);
  };
  walk(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')).panels);
}
writeFileSync(process.argv[2], JSON.stringify({ groups: [{ name: 'dashboards', rules }] }, null, 2));
console.log(`${rules.length} PromQL expressions`);
EOF
}
# The alert rules and, beside them, their unit tests (*.test.yml), which are no rule files.
alert_rule_files=()
alert_rule_tests=()
for file in observability/prometheus/rules/*.yml; do
  [ -f "$file" ] || continue
  case "$file" in
    *.test.yml) alert_rule_tests+=("$file") ;;
    *) alert_rule_files+=("$file") ;;
  esac
done
alert_rules_check() { # alert_rules_check <promtool>: the rule files parse, and their unit tests pass
  if [ "${#alert_rule_files[@]}" -gt 0 ]; then "$1" check rules "${alert_rule_files[@]}" || return 1; fi
  if [ "${#alert_rule_tests[@]}" -gt 0 ]; then "$1" test rules "${alert_rule_tests[@]}" || return 1; fi
}
if promtool="$(find_tool promtool)"; then
  run "promtool check config" "$promtool" check config observability/prometheus/prometheus.yml
  run "promtool check rules + test rules (alert rules and their unit tests)" alert_rules_check "$promtool"
  # The native stack's Prometheus, Debian's older release, loads the same rules: its promtool has to
  # accept them and pass their tests too. Not everywhere installed (CI has none): no skip then.
  native_promtool=/usr/bin/promtool
  if [ -x "$native_promtool" ] && [ "$native_promtool" != "$promtool" ]; then
    native_release="$("$native_promtool" --version 2>/dev/null | sed -n 's/^promtool, version \([^ ]*\).*/\1/p')"
    run "promtool ${native_release:-?} check rules + test rules (the native stack's release)" alert_rules_check "$native_promtool"
  else
    echo "==> the native stack's promtool ($native_promtool) is not installed: the alert rules are checked with one release only"
  fi
  rules_file="$(mktemp --suffix=.json)"
  trap 'rm -f "$rules_file"' EXIT
  if dashboard_rules "$rules_file"; then
    run "promtool check rules (dashboard PromQL)" "$promtool" check rules "$rules_file"
  else
    failed+=("extracting the dashboards' PromQL")
  fi
else
  skip "promtool" "not installed; run with --install-tools"
fi

# 4. OpenTelemetry Collector configuration.
if otelcol="$(find_tool otelcol-contrib otelcol)"; then
  run "otelcol validate" "$otelcol" validate --config=observability/otel-collector/config.yaml
else
  skip "otelcol validate" "no collector binary; run with --install-tools"
fi

# 5. The brokers' configuration, accepted by Kafka itself: config/kafka/start.sh run with kafka-1's
#    environment, its `kafka-storage.sh format` being Kafka's StorageTool (the release the native
#    stack resolves into THALWEG_CACHE, the one the image ships), its server start a no-op. Format
#    validates the properties as a broker would (listeners, the SASL mechanism between brokers
#    enabled on their listener, the controller listener...) and writes the SCRAM credentials.
kafka_config_check() {
  local dir="$1" libs="$2" log4j="$repo/compose/native/kafka/log4j2-tools.xml"
  mkdir -p "$dir/bin" "$dir/config" "$dir/data" || return 1
  printf '#!/bin/sh\nexec "%s" -cp "%s/*" -Dlog4j2.configurationFile="%s" kafka.tools.StorageTool "$@"\n' "${THALWEG_JAVA:-java}" "$libs" "$log4j" > "$dir/bin/kafka-storage.sh"
  printf '#!/bin/sh\necho "would start Kafka with $1"\n' > "$dir/bin/kafka-server-start.sh"
  chmod 0755 "$dir/bin/kafka-storage.sh" "$dir/bin/kafka-server-start.sh"
  # kafka-1's environment as compose gives it (NUL-separated: values have spaces), the storage
  # moved into the scratch directory, then the command for env(1) to run.
  node --import tsx --input-type=module -e '
    import { compose, services } from "./compose/compose-model.ts";
    const [dir, script] = process.argv.slice(1);
    const vars = Object.entries(services(compose)["kafka-1"].environment).map(([key, value]) => `${key}=${value}`);
    process.stdout.write([...vars, `KAFKA_LOG_DIRS=${dir}/data`, "sh", script, dir, `${dir}/config`].map((item) => `${item}\0`).join(""));
  ' "$dir" "$repo/compose/config/kafka/start.sh" > "$dir/start.args" || return 1
  xargs -0 -a "$dir/start.args" env -i PATH="$PATH" || return 1
  [ -s "$dir/data/meta.properties" ] || { echo "no meta.properties after the format"; return 1; }
  grep -aq thalweg-admin "$dir/data/bootstrap.checkpoint" && grep -aq thalweg-broker "$dir/data/bootstrap.checkpoint" \
    || { echo "the bootstrap metadata holds no SCRAM credentials for thalweg-admin and thalweg-broker"; return 1; }
  echo "formatted with SCRAM credentials for thalweg-admin and thalweg-broker"
}
kafka_version="$(sed -n 's/^KAFKA_VERSION=\([0-9.]*\)$/\1/p' compose/native/components/kafka.sh)"
kafka_libs="$THALWEG_CACHE/kafka-$kafka_version/libs"
if [ "$require_all" = 1 ] && [ ! -f "$kafka_libs/kafka_2.13-$kafka_version.jar" ]; then
  # The native stack's own installer (Maven Central), as `make up` runs it.
  echo "==> resolving Kafka $kafka_version for the broker configuration check"
  # shellcheck source=native/components/kafka.sh
  ( source compose/native/components/kafka.sh && kafka_install ) || failed+=("resolving Kafka $kafka_version")
fi
if [ -f "$kafka_libs/kafka_2.13-$kafka_version.jar" ] && command -v "${THALWEG_JAVA:-java}" > /dev/null 2>&1; then
  kafka_dir="$(mktemp -d)"
  run "Kafka $kafka_version accepts the brokers' configuration (start.sh, kafka-storage format)" kafka_config_check "$kafka_dir" "$kafka_libs"
  rm -rf "$kafka_dir"
else
  skip "Kafka broker configuration" "no Kafka $kafka_version in $kafka_libs (make up, or run with --install-tools) or no java"
fi

echo
echo "passed:  ${#passed[@]}"
for name in "${passed[@]}"; do echo "  ok    $name"; done
echo "failed:  ${#failed[@]}"
for name in "${failed[@]}"; do echo "  FAIL  $name"; done
echo "skipped: ${#skipped[@]}"
for name in "${skipped[@]}"; do echo "  skip  $name"; done
echo "Not verified here: that the images start, that healthchecks turn healthy, that the services"
echo "reach each other. That needs a Docker engine: docker compose -f compose/docker-compose.yml up -d"
if [ "$require_all" = 1 ] && [ "${#skipped[@]}" -gt 0 ]; then
  echo "--install-tools: every check must run, and ${#skipped[@]} did not"
  exit 1
fi
[ "${#failed[@]}" -eq 0 ]
