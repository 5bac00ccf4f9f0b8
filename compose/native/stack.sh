#!/usr/bin/env bash
# Thalweg native stack: the platform's backing services as plain processes on
# 127.0.0.1, for hosts without a container engine (CI, dev machines).
#
#   stack.sh up [component|instance...]    install if needed, start, wait until ready
#   stack.sh down [component|instance...]  stop (all when none given)
#   stack.sh status                        table of instances, pids, ports, state
#   stack.sh logs <instance> [-f]          print (or follow) an instance log
#   stack.sh reset                         down + wipe data (downloads are kept)
#   stack.sh env                           connection settings, as shell exports
#   stack.sh run <tool> [args...]          helper tools, e.g. `run kafka-topics --list`
#
# Environment:
#   THALWEG_HOME         state root (default <repo>/.thalweg): data/, logs/, run/
#   THALWEG_CACHE        downloads (default <repo>/.thalweg/cache, shared by all homes)
#   THALWEG_PORT_OFFSET  added to every port (default 0)
#   THALWEG_JAVA         java binary for Kafka and the registry (default java, 17+)
#   BROKERS              1 (default) or 3 Kafka nodes; fixed when Kafka data is first formatted
#
# Each component is one file, components/<name>.sh, defining:
#   <name>_install              idempotent install into THALWEG_CACHE (or the OS)
#   <name>_start <instance>     launch in the background with `spawn` (lib.sh)
#   <name>_ready <instance>     one readiness probe; the runner polls it with a deadline
#   <name>_ports <instance>     ports the instance listens on (space separated)
#   <name>_endpoints            lines describing where clients connect
# and optionally:
#   <name>_instances            instance names (default: the component name)
#   <name>_requires             components that must be up first
#   <name>_preflight            checks run by `up` before anything else (e.g. settings)
#   <name>_setup                run on every `up` once all instances are ready (idempotent)
#   <name>_match <instance>     text the process command line contains (pid reuse guard)
#   <name>_env                  KEY=value lines for `stack.sh env`
#   <name>_stop_signal          signal that stops it quickly (default TERM)
#   <name>_ready_timeout        seconds to wait for readiness (default 90)
#   <name>_tools                tool names accepted by `stack.sh run`, each a function tool_<name>
# A tool environment (tools/<name>.sh: nothing runs, it only offers tools) defines <name>_install
# and <name>_tools.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Start order; `down` goes in reverse.
COMPONENTS=(postgres ferretdb redis typesense kafka registry opa keycloak prometheus jaeger)

for c in "${COMPONENTS[@]}"; do
  # shellcheck source=/dev/null
  source "$NATIVE_DIR/components/$c.sh"
done

# Tool environments, made on first use by `run`.
TOOLSETS=(python)

for c in "${TOOLSETS[@]}"; do
  # shellcheck source=/dev/null
  source "$NATIVE_DIR/tools/$c.sh"
done

# ---------------------------------------------------------------------------
# Component plumbing
# ---------------------------------------------------------------------------
has_fn() { declare -F "$1" >/dev/null; }

instances_of() {
  if has_fn "${1}_instances"; then "${1}_instances"; else echo "$1"; fi
}

requires_of() {
  if has_fn "${1}_requires"; then "${1}_requires"; fi
}

match_of() { # <component> <instance>
  if has_fn "${1}_match"; then "${1}_match" "$2"; fi
}

# component_of <name>: the component a component-or-instance name belongs to.
component_of() {
  local c i
  for c in "${COMPONENTS[@]}"; do
    [ "$c" = "$1" ] && { echo "$c"; return 0; }
    for i in $(instances_of "$c"); do
      [ "$i" = "$1" ] && { echo "$c"; return 0; }
    done
  done
  return 1
}

# running <component> <instance>: true when its recorded process is alive.
running() {
  pid_alive "$(read_pid "$2")" "$(match_of "$1" "$2")"
}

# select_targets <with-deps> <names...>: print "component instance" lines in
# start order for the named components/instances (all when none named).
select_targets() {
  local with_deps="$1"; shift
  local -A want_c=() want_i=()
  local name c i dep
  if [ "$#" -eq 0 ]; then
    for c in "${COMPONENTS[@]}"; do want_c[$c]=1; done
  fi
  for name in "$@"; do
    c="$(component_of "$name")" || die "unknown component or instance '$name' (known: ${COMPONENTS[*]})"
    if [ "$c" = "$name" ]; then want_c[$c]=1; else want_i[$name]=1; fi
  done
  if [ "$with_deps" = 1 ]; then
    local changed=1
    while [ "$changed" = 1 ]; do
      changed=0
      for c in "${COMPONENTS[@]}"; do
        local picked=${want_c[$c]:-}
        for i in $(instances_of "$c"); do [ -n "${want_i[$i]:-}" ] && picked=1; done
        [ -z "$picked" ] && continue
        for dep in $(requires_of "$c"); do
          [ -n "${want_c[$dep]:-}" ] || { want_c[$dep]=1; changed=1; }
        done
      done
    done
  fi
  for c in "${COMPONENTS[@]}"; do
    for i in $(instances_of "$c"); do
      if [ -n "${want_c[$c]:-}" ] || [ -n "${want_i[$i]:-}" ]; then echo "$c $i"; fi
    done
  done
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
cmd_up() {
  ensure_dirs
  local targets c i
  targets="$(select_targets 1 "$@")"
  local components=() started_any=0
  while read -r c _; do
    [[ " ${components[*]:-} " == *" $c "* ]] || components+=("$c")
  done <<<"$targets"

  for c in "${components[@]}"; do
    if has_fn "${c}_preflight"; then "${c}_preflight"; fi
  done

  for c in "${components[@]}"; do
    local todo=() t0=$SECONDS
    for i in $(awk -v c="$c" '$1 == c {print $2}' <<<"$targets"); do
      if running "$c" "$i"; then
        log "$i already running (pid $(read_pid "$i"))"
      else
        todo+=("$i")
      fi
    done
    if [ "${#todo[@]}" -eq 0 ]; then
      # Setup is idempotent and may have news for a running component (a principal a new topic
      # spec names): it runs on every `up`.
      if has_fn "${c}_setup"; then "${c}_setup" || die "$c setup failed"; fi
      continue
    fi
    started_any=1

    "${c}_install"
    # Start every instance before waiting: a Kafka quorum needs its peers.
    for i in "${todo[@]}"; do
      local p
      for p in $("${c}_ports" "$i"); do
        if port_open "$p"; then
          die "$i: port $p is already in use by another process ($(port_owner "$p")). Stop it, or set THALWEG_PORT_OFFSET."
        fi
      done
      log "starting $i"
      "${c}_start" "$i"
    done
    local timeout=90
    has_fn "${c}_ready_timeout" && timeout="$("${c}_ready_timeout")"
    for i in "${todo[@]}"; do
      wait_until "$i" "$timeout" "${c}_ready" "$i" \
        || die "$i failed to start (log: $(log_file "$i"))"
      log "$i ready (pid $(read_pid "$i"))"
    done
    if has_fn "${c}_setup"; then
      "${c}_setup" || die "$c setup failed"
    fi
    log "$c up in $(( SECONDS - t0 ))s"
  done

  write_env
  if [ "$started_any" = 1 ]; then echo; fi
  echo "Thalweg native stack ($THALWEG_HOME):"
  for c in "${components[@]}"; do "${c}_endpoints"; done
  echo "  env file     $THALWEG_HOME/stack.env"
}

cmd_down() {
  local targets c i pid line
  targets="$(select_targets 0 "$@")"
  # Reverse component order; instances of one component stop together.
  local rc
  for (( rc=${#COMPONENTS[@]}-1; rc>=0; rc-- )); do
    c="${COMPONENTS[$rc]}"
    local victims=()
    while read -r line; do
      [ -n "$line" ] || continue
      i="${line#* }"
      [ "${line%% *}" = "$c" ] || continue
      pid="$(read_pid "$i")"
      if running "$c" "$i"; then
        victims+=("$i:$pid")
      else
        rm -f "$(pid_file "$i")"
      fi
    done <<<"$targets"
    [ "${#victims[@]}" -eq 0 ] && continue
    local sig=TERM
    has_fn "${c}_stop_signal" && sig="$("${c}_stop_signal")"
    log "stopping ${victims[*]}"
    stop_pids 60 "$sig" "${victims[@]}"
    for line in "${victims[@]}"; do rm -f "$(pid_file "${line%%:*}")"; done
  done
}

cmd_status() {
  local c i pid state ports width=12
  # The ports column as wide as the longest list (jaeger's five ports).
  for c in "${COMPONENTS[@]}"; do
    for i in $(instances_of "$c"); do
      ports="$("${c}_ports" "$i" | tr ' ' ',')"
      [ "${#ports}" -le "$width" ] || width="${#ports}"
    done
  done
  printf "%-10s %-8s %-${width}s %-6s %s\n" INSTANCE PID PORTS STATE LOG
  for c in "${COMPONENTS[@]}"; do
    for i in $(instances_of "$c"); do
      pid="$(read_pid "$i")"
      if running "$c" "$i"; then
        state=up
        if ! "${c}_ready" "$i" >/dev/null 2>&1; then state=starting; fi
      else
        state=down; pid=-
      fi
      printf "%-10s %-8s %-${width}s %-6s %s\n" "$i" "${pid:--}" \
        "$("${c}_ports" "$i" | tr ' ' ',')" "$state" "$(log_file "$i")"
    done
  done
}

cmd_logs() {
  [ "$#" -ge 1 ] || die "usage: stack.sh logs <instance> [-f]"
  component_of "$1" >/dev/null || die "unknown instance '$1'"
  local f; f="$(log_file "$1")"
  [ -f "$f" ] || die "no log yet for $1 ($f)"
  if [ "${2:-}" = "-f" ]; then tail -n 100 -f "$f"; else cat "$f"; fi
}

cmd_reset() {
  cmd_down
  log "wiping $DATA_DIR, $LOG_DIR and $RUN_DIR (keeping $THALWEG_CACHE)"
  rm -rf "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$THALWEG_HOME/stack.env"
}

cmd_env() {
  local c
  for c in "${COMPONENTS[@]}"; do
    if has_fn "${c}_env"; then "${c}_env" | sed 's/^/export /'; fi
  done
}

write_env() {
  local f="$THALWEG_HOME/stack.env"
  {
    echo "# Thalweg native stack connection settings (written by stack.sh up)"
    cmd_env
  } >"$f.tmp"
  mv -f "$f.tmp" "$f"
}

cmd_run() {
  [ "$#" -ge 1 ] || die "usage: stack.sh run <tool> [args...]"
  local tool="$1" c t; shift
  for c in "${COMPONENTS[@]}" "${TOOLSETS[@]}"; do
    has_fn "${c}_tools" || continue
    for t in $("${c}_tools"); do
      if [ "$t" = "$tool" ]; then "${c}_install" >&2; "tool_${t//-/_}" "$@"; return; fi
    done
  done
  die "unknown tool '$tool'"
}

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  [ "$#" -gt 0 ] && shift
  case "$cmd" in
    up)     take_lock; cmd_up "$@" ;;
    down)   take_lock; cmd_down "$@" ;;
    status) cmd_status ;;
    logs)   cmd_logs "$@" ;;
    reset)  take_lock; cmd_reset ;;
    env)    cmd_env ;;
    run)    cmd_run "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
