# shellcheck shell=bash
# Prometheus from Debian's `prometheus` package, started by hand (not by the init system) on
# 127.0.0.1:9090, its TSDB under data/prometheus. The scrape configuration is written at every
# start from services.sh's service list and ports: each Thalweg service serves GET /metrics on its
# own port (job `thalweg-services`, as in observability/prometheus/prometheus.yml, with a `service`
# label per target), and Prometheus scrapes itself (job `prometheus`). Alert and recording rules
# are loaded from observability/prometheus/rules/*.yml but their promtool unit tests (*.test.yml);
# none there is no error.

PROMETHEUS_BIN=/usr/bin/prometheus
PROMETHEUS_RULES_DIR="$REPO_ROOT/observability/prometheus/rules"
# Retention as in compose (docker-compose.yml); scraped every 5 s rather than compose's 15 s, so a change
# shows within seconds (tests read it through the HTTP API).
PROMETHEUS_SCRAPE_INTERVAL="${PROMETHEUS_SCRAPE_INTERVAL:-5s}"
PROMETHEUS_RETENTION="${PROMETHEUS_RETENTION:-7d}"

prometheus_port()  { port 9090; }
prometheus_ports() { prometheus_port; }
prometheus_url()   { echo "http://127.0.0.1:$(prometheus_port)"; }
prometheus_data()  { echo "$DATA_DIR/prometheus"; }
prometheus_targets_dir() { echo "$(prometheus_data)/targets"; }
prometheus_match() { echo "--web.listen-address=127.0.0.1:$(prometheus_port)"; }
prometheus_ready_timeout() { echo 60; }

_prometheus_version() {
  "$PROMETHEUS_BIN" --version 2>/dev/null | sed -n 's/^prometheus, version \([0-9][0-9.]*\).*/\1/p'
}

# The package starts (or enables) a system instance on 9090 where an init system runs one: this
# stack runs its own, so that one is stopped and kept from starting at boot.
_prometheus_system_service_off() {
  if have systemctl && [ -d /run/systemd/system ]; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  else
    if have service; then as_root service prometheus stop >/dev/null 2>&1 || true; fi
    if have update-rc.d; then as_root update-rc.d prometheus disable >/dev/null 2>&1 || true; fi
  fi
}

prometheus_install() {
  [ -x "$PROMETHEUS_BIN" ] && return 0
  # Without recommends: prometheus-node-exporter would start a host exporter of its own.
  apt_install prometheus
  _prometheus_system_service_off
  [ -x "$PROMETHEUS_BIN" ] || die "the prometheus package installed no $PROMETHEUS_BIN"
}

# _prometheus_targets: "<service> <port>" per Thalweg service, from services.sh.
_prometheus_targets() {
  bash "$NATIVE_DIR/services.sh" list
}

# _prometheus_rule_files: the rule files to load, one a line: every *.yml of the rules directory
# but the promtool unit tests beside them (*.test.yml), which Prometheus cannot load.
_prometheus_rule_files() {
  local file
  for file in "$PROMETHEUS_RULES_DIR"/*.yml; do
    [ -f "$file" ] || continue
    case "$file" in *.test.yml) continue ;; esac
    echo "$file"
  done
}

# _prometheus_config: the scrape configuration for this stack, on standard output.
_prometheus_config() {
  local service svc_port rule_file rule_files
  rule_files="$(_prometheus_rule_files)"
  cat <<EOF
# Written by compose/native/stack.sh at every start of prometheus: edits are lost.
# The native counterpart of observability/prometheus/prometheus.yml (same job names).
global:
  scrape_interval: $PROMETHEUS_SCRAPE_INTERVAL
  evaluation_interval: $PROMETHEUS_SCRAPE_INTERVAL

# Listed by name at every start (a rule file added later needs a restart, not only a reload): the
# rules directory also holds the rules' unit tests, which are no rule files. None is no error.
rule_files:$([ -n "$rule_files" ] || echo " []")
EOF
  while read -r rule_file; do
    [ -n "$rule_file" ] || continue
    printf '  - "%s"\n' "$rule_file"
  done <<<"$rule_files"
  cat <<EOF

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:$(prometheus_port)"]

  # Every Thalweg service's own /metrics, on the port services.sh starts it on.
  - job_name: thalweg-services
    metrics_path: /metrics
    static_configs:
EOF
  while read -r service svc_port; do
    [ -n "$service" ] || continue
    printf '      - targets: ["127.0.0.1:%s"]\n        labels: {service: %s}\n' "$svc_port" "$service"
  done < <(_prometheus_targets)
  cat <<EOF

  # Service processes started on ports of their own (the tests' startServiceProcess, a second
  # instance by hand) register here: one JSON file each, [{"targets": [...], "labels": {...}}].
  - job_name: thalweg-processes
    metrics_path: /metrics
    file_sd_configs:
      - files: ["$(prometheus_targets_dir)/*.json"]
        refresh_interval: 5s
EOF
}

prometheus_start() {
  local dir conf targets
  dir="$(prometheus_data)"
  conf="$dir/prometheus.yml"
  mkdir -p "$dir/tsdb" "$(prometheus_targets_dir)"
  targets="$(_prometheus_targets)" || die "compose/native/services.sh list failed: no scrape targets for Prometheus"
  [ -n "$targets" ] || die "compose/native/services.sh lists no service: no scrape targets for Prometheus"
  _prometheus_config >"$conf.tmp"
  mv -f "$conf.tmp" "$conf"
  # --web.enable-lifecycle: POST /-/reload rereads the configuration and the rules (as in compose).
  spawn prometheus "$PROMETHEUS_BIN" \
    --config.file="$conf" \
    --storage.tsdb.path="$dir/tsdb" \
    --storage.tsdb.retention.time="$PROMETHEUS_RETENTION" \
    --web.listen-address="127.0.0.1:$(prometheus_port)" \
    --web.enable-lifecycle \
    --log.level=info
}

# Ready: /-/ready answers 200, which Prometheus does once its TSDB is open and the configuration
# and rules are loaded.
prometheus_ready() {
  http_ok "$(prometheus_url)/-/ready"
}

prometheus_endpoints() {
  printf '  %-12s %s  (Prometheus %s; scrapes %s services'"'"' /metrics and itself; rules %s/*.yml)\n' prometheus \
    "$(prometheus_url)" "$(_prometheus_version)" "$(_prometheus_targets | wc -l)" "${PROMETHEUS_RULES_DIR#"$REPO_ROOT"/}"
}

prometheus_env() {
  echo "THALWEG_PROMETHEUS_URL=$(prometheus_url)"
  echo "PROMETHEUS_TARGETS_DIR=$(prometheus_targets_dir)"
}

prometheus_tools() { echo promtool; }

# stack.sh run promtool [args...]: the package's promtool, the release this Prometheus runs, e.g.
# `run promtool check rules observability/prometheus/rules/thalweg.yml` or
# `run promtool test rules observability/prometheus/rules/thalweg.test.yml`.
tool_promtool() {
  /usr/bin/promtool "$@"
}
