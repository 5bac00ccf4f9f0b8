#!/usr/bin/env bash
# Offline checks of the compose runtime. Nothing here starts a container: on a host without a
# Docker engine this is as far as the compose stack can be verified.
#
#   compose/check.sh                  run every check whose tool is available, skip the others
#   compose/check.sh --install-tools  first build the optional validators from the Go module proxy
#                                     into .thalweg/tools/bin (needs Go; takes a few minutes)
#
# Always run (needs Node and the workspace's node_modules):
#   compose/compose-config.test.ts    YAML parses; depends_on targets exist and wait for health;
#                                     healthchecks; pinned images; mounted files exist; host ports
#                                     unique; Kafka listeners and durability; gateway routes;
#                                     Prometheus targets, Grafana datasources, collector pipelines.
# Run when the tool is found (on PATH, or in .thalweg/tools/bin):
#   docker compose config -q          the Compose specification's own validation and interpolation
#                                     (works without a daemon: it only reads files)
#   promtool check config / rules     prometheus.yml, and every PromQL expression of the dashboards
#   otelcol validate                  the OpenTelemetry Collector configuration
# Exit status: 0 when every check that ran passed, 1 otherwise. Skipped checks are listed.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.thalweg/tools/bin"
cd "$repo" || exit 1

# Versions matched to the images in docker-compose.yml.
compose_module_version=v2.40.3       # github.com/docker/compose/v2
promtool_module_version=v0.301.0     # github.com/prometheus/prometheus = Prometheus 3.1.0
otelcol_version=0.155.0              # otel/opentelemetry-collector-contrib:0.155.0

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

find_tool() { # prints the path of the first tool found, on PATH or in .thalweg/tools/bin
  local candidate
  for candidate in "$@"; do
    if command -v "$candidate" > /dev/null 2>&1; then command -v "$candidate"; return 0; fi
    if [ -x "$tools/$candidate" ]; then echo "$tools/$candidate"; return 0; fi
  done
  return 1
}

build_go_tool() { # build_go_tool <module@version> <main package> <binary name>
  # `go install pkg@version` refuses modules whose go.mod has replace or exclude directives (both
  # prometheus and docker/compose have some): build them as a dependency of a throwaway module.
  echo "==> building $3 ($1)"
  local dir="$work/$3"
  mkdir -p "$dir" &&
    (
      cd "$dir" &&
        go mod init "thalweg-check-tools/$3" > /dev/null 2>&1 &&
        go get "$1" "$2@${1##*@}" &&
        GOFLAGS=-buildvcs=false go build -o "$tools/$3" "$2"
    )
}

install_tools() {
  command -v go > /dev/null 2>&1 || { echo "--install-tools needs Go" >&2; return 1; }
  mkdir -p "$tools"
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"; trap - RETURN' RETURN
  build_go_tool "github.com/prometheus/prometheus@$promtool_module_version" github.com/prometheus/prometheus/cmd/promtool promtool || return 1
  build_go_tool "github.com/docker/compose/v2@$compose_module_version" github.com/docker/compose/v2/cmd docker-compose || return 1
  # The contrib distribution is assembled by the collector builder from the components we use.
  echo "==> building otelcol ($otelcol_version) with the components observability/ uses"
  GOBIN="$work/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$otelcol_version" || return 1
  cat > "$work/builder.yaml" <<EOF
dist:
  name: otelcol
  description: OpenTelemetry Collector with the components Thalweg's compose stack configures
  output_path: $work/otelcol
  version: $otelcol_version
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
  GOFLAGS=-buildvcs=false "$work/bin/builder" --config "$work/builder.yaml" > "$work/builder.log" 2>&1 || { tail -40 "$work/builder.log"; return 1; }
  cp "$work/otelcol/otelcol" "$tools/otelcol"
}

if [ "${1:-}" = "--install-tools" ]; then
  install_tools || { echo "installing the validators failed" >&2; exit 1; }
fi

# 1. Consistency of the files with one another (always).
run "consistency tests (compose/compose-config.test.ts)" node --import tsx --test --test-reporter=spec compose/compose-config.test.ts

run "init script syntax (bash -n)" bash -n compose/config/postgres/initdb/100-apicurio-database.sh

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
if promtool="$(find_tool promtool)"; then
  run "promtool check config" "$promtool" check config observability/prometheus/prometheus.yml
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

echo
echo "passed:  ${#passed[@]}"
for name in "${passed[@]}"; do echo "  ok    $name"; done
echo "failed:  ${#failed[@]}"
for name in "${failed[@]}"; do echo "  FAIL  $name"; done
echo "skipped: ${#skipped[@]}"
for name in "${skipped[@]}"; do echo "  skip  $name"; done
echo "Not verified here: that the images start, that healthchecks turn healthy, that the services"
echo "reach each other. That needs a Docker engine: docker compose -f compose/docker-compose.yml up -d"
[ "${#failed[@]}" -eq 0 ]
