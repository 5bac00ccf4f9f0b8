#!/usr/bin/env bash
# Thalweg's own services as processes on 127.0.0.1, beside the native stack.
#
#   services.sh up        npm install if needed, apply topics, register schemas, start, wait for /readyz
#   services.sh down      SIGTERM (each finishes its in-flight work), then wait
#   services.sh status    service, pid, port, state, log
#   services.sh list      one `<service> <port>` line per service (what the native Prometheus scrapes)
#
# Ports: command-api 4001, query-api 4002, search-api 4003; projector-postgres 4011,
# projector-search 4012, projector-mongo 4013 and ledger-processor 4014 (health, readiness and metrics);
# THALWEG_PORT_OFFSET applies as for the stack.
#
# projector-search and search-api use the stack's Typesense, as in compose;
# THALWEG_SEARCH_BACKEND=postgres puts the search collections in the stack's PostgreSQL instead.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
# shellcheck source=components/kafka.sh
source "$NATIVE_DIR/components/kafka.sh"   # kafka_service_principals, kafka_dev_password

SERVICES=(ledger-processor projector-postgres projector-mongo projector-search command-api query-api search-api)

service_port() {
  case "$1" in
    command-api) port 4001 ;;
    query-api) port 4002 ;;
    search-api) port 4003 ;;
    projector-postgres) port 4011 ;;
    projector-search) port 4012 ;;
    projector-mongo) port 4013 ;;
    ledger-processor) port 4014 ;;
  esac
}

service_running() { pid_alive "$(read_pid "$1")" "services/$1/src/main.ts"; }

thalweg_cli() { "$REPO_ROOT/services/cli/bin/thalweg" "$@"; }

# service_kafka_env <service>: the service's own Kafka identity, as KEY=value words. Only services
# the topic specs name are principals (query-api has none), and only a stack with SASL needs them.
service_kafka_env() {
  [ -n "${THALWEG_KAFKA_USERNAME:-}" ] || return 0
  kafka_service_principals | has_line "$1" || return 0
  echo "THALWEG_KAFKA_USERNAME=$1"
  echo "THALWEG_KAFKA_PASSWORD=$(kafka_dev_password "$1")"
}

# The key command-api signs consistency tokens with and query-api verifies them with: for this
# stack only, like the Kafka dev passwords; a deployment sets THALWEG_CONSISTENCY_TOKEN_KEY.
DEV_CONSISTENCY_TOKEN_KEY=thalweg-dev-consistency-token-key-change-me

ensure_node_modules() {
  if [ ! -d "$REPO_ROOT/node_modules/kafkajs" ]; then
    log "installing npm dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  fi
}

# The stack's connection settings (written by stack.sh up), so a port offset moves the services too.
load_stack_env() {
  local env_file="$THALWEG_HOME/stack.env"
  [ -f "$env_file" ] || die "$env_file is missing: run stack.sh up first"
  set -a
  # shellcheck source=/dev/null
  . "$env_file"
  set +a
}

cmd_up() {
  take_lock
  ensure_node_modules
  local search_backend="${THALWEG_SEARCH_BACKEND:-typesense}"
  case "$search_backend" in postgres|typesense) ;; *) die "THALWEG_SEARCH_BACKEND must be postgres or typesense, not '$search_backend'" ;; esac
  load_stack_env
  [ "$search_backend" = postgres ] || [ -n "${THALWEG_TYPESENSE_URL:-}" ] \
    || die "$THALWEG_HOME/stack.env names no Typesense: run stack.sh up first"
  log "applying topics and registering schemas"
  thalweg_cli topics apply
  thalweg_cli schemas register
  local service url
  for service in "${SERVICES[@]}"; do
    if service_running "$service"; then
      log "$service already running (pid $(read_pid "$service"))"
      continue
    fi
    log "starting $service on port $(service_port "$service")"
    # Only the settings the services read: an unknown THALWEG_ variable stops a service at start-up.
    # The operator's Kafka credentials in stack.env stay here: each service connects as itself.
    local identity=()
    mapfile -t identity < <(service_kafka_env "$service")
    # Traces go where stack.env says the trace backend listens (OTLP/HTTP); with none, nowhere.
    local tracing=(OTEL_SERVICE_NAME="$service")
    if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then tracing+=(OTEL_EXPORTER_OTLP_ENDPOINT="$OTEL_EXPORTER_OTLP_ENDPOINT"); else tracing+=(OTEL_TRACES_EXPORTER=none); fi
    # Whether metrics and logs go over OTLP too (stack.env: not to Jaeger, which takes traces only).
    for setting in OTEL_METRICS_EXPORTER OTEL_LOGS_EXPORTER; do
      if [ -n "${!setting:-}" ]; then tracing+=("$setting=${!setting}"); fi
    done
    spawn "$service" env -i PATH="$PATH" HOME="${HOME:-/root}" \
      THALWEG_PORT="$(service_port "$service")" "${identity[@]}" \
      THALWEG_KAFKA_BROKERS="$THALWEG_KAFKA_BROKERS" THALWEG_REGISTRY_URL="$THALWEG_REGISTRY_URL" \
      THALWEG_DATABASE_URL="$THALWEG_DATABASE_URL" THALWEG_REDIS_URL="$THALWEG_REDIS_URL" \
      THALWEG_MONGODB_URL="$THALWEG_MONGODB_URL" \
      THALWEG_KEYCLOAK_URL="$THALWEG_KEYCLOAK_URL" THALWEG_OPA_URL="$THALWEG_OPA_URL" \
      THALWEG_CONSISTENCY_TOKEN_KEY="${THALWEG_CONSISTENCY_TOKEN_KEY:-$DEV_CONSISTENCY_TOKEN_KEY}" \
      THALWEG_SEARCH_BACKEND="$search_backend" THALWEG_SEARCH_DATABASE_URL="$THALWEG_DATABASE_URL" \
      THALWEG_TYPESENSE_URL="${THALWEG_TYPESENSE_URL:-}" THALWEG_TYPESENSE_API_KEY="${THALWEG_TYPESENSE_API_KEY:-}" \
      "${tracing[@]}" \
      node --import tsx --import "$REPO_ROOT/services/platform/src/telemetry/register.ts" "$REPO_ROOT/services/$service/src/main.ts"
  done
  for service in "${SERVICES[@]}"; do
    url="http://127.0.0.1:$(service_port "$service")/readyz"
    wait_for_http "$service" "$url" 90
  done
  printf '\nThalweg services:\n'
  printf '  %-20s http://127.0.0.1:%s  (POST /v1/wallets, /credits, /debits, /transfers; GET /v1/commands/{id}; POST /v1/users, PATCH /profile, POST /kyc-decisions)\n' command-api "$(service_port command-api)"
  printf '  %-20s http://127.0.0.1:%s  (GET /v1/wallets/{id}, /entries; GET /v1/users/{id})\n' query-api "$(service_port query-api)"
  printf '  %-20s http://127.0.0.1:%s  (GET /v1/search/users, /v1/search/entries)\n' search-api "$(service_port search-api)"
  printf '  %-20s http://127.0.0.1:%s  (/healthz, /readyz, /metrics: ready once its state is restored)\n' ledger-processor "$(service_port ledger-processor)"
  printf '  %-20s http://127.0.0.1:%s  (/healthz, /readyz, /metrics)\n' projector-postgres "$(service_port projector-postgres)"
  printf '  %-20s http://127.0.0.1:%s  (/healthz, /readyz, /metrics)\n' projector-mongo "$(service_port projector-mongo)"
  printf '  %-20s http://127.0.0.1:%s  (/healthz, /readyz, /metrics)\n' projector-search "$(service_port projector-search)"
}

cmd_down() {
  take_lock
  local service pid targets=()
  for service in "${SERVICES[@]}"; do
    if service_running "$service"; then
      pid="$(read_pid "$service")"
      targets+=("$service:$pid")
    fi
    rm -f "$(pid_file "$service")"
  done
  [ "${#targets[@]}" -eq 0 ] && { log "no Thalweg service running"; return 0; }
  log "stopping ${targets[*]%%:*}"
  # 30 s: a projector finishes its batch and commits before it leaves the group.
  stop_pids 30 TERM "${targets[@]}"
}

cmd_status() {
  local service state pid
  printf '%-20s %-8s %-6s %-6s %s\n' SERVICE PID PORT STATE LOG
  for service in "${SERVICES[@]}"; do
    pid="$(read_pid "$service")"
    if service_running "$service"; then state=up; else state=down; pid=-; fi
    printf '%-20s %-8s %-6s %-6s %s\n' "$service" "${pid:--}" "$(service_port "$service")" "$state" "$(log_file "$service")"
  done
}

# Every service serves GET /metrics on its port: stack.sh's Prometheus takes its targets from here.
cmd_list() {
  local service
  for service in "${SERVICES[@]}"; do echo "$service $(service_port "$service")"; done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  list) cmd_list ;;
  *) echo "usage: services.sh up|down|status|list" >&2; exit 2 ;;
esac
