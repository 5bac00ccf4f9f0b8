# shellcheck shell=bash
# Shared helpers for compose/native/stack.sh and its components.
# Sourced, never executed. Everything here assumes `set -euo pipefail`.

# ---------------------------------------------------------------------------
# Layout. All state lives under THALWEG_HOME (default <repo>/.thalweg);
# downloads live under THALWEG_CACHE (default <repo>/.thalweg/cache, shared by
# every THALWEG_HOME so a second stack never downloads twice).
# ---------------------------------------------------------------------------
NATIVE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$NATIVE_DIR/../.." && pwd)"

THALWEG_HOME="${THALWEG_HOME:-$REPO_ROOT/.thalweg}"
case "$THALWEG_HOME" in /*) ;; *) THALWEG_HOME="$REPO_ROOT/$THALWEG_HOME" ;; esac
THALWEG_CACHE="${THALWEG_CACHE:-$REPO_ROOT/.thalweg/cache}"
case "$THALWEG_CACHE" in /*) ;; *) THALWEG_CACHE="$REPO_ROOT/$THALWEG_CACHE" ;; esac
# Added to every port, so a second stack can run beside the first.
THALWEG_PORT_OFFSET="${THALWEG_PORT_OFFSET:-0}"
THALWEG_JAVA="${THALWEG_JAVA:-java}"

DATA_DIR="$THALWEG_HOME/data"
LOG_DIR="$THALWEG_HOME/logs"
RUN_DIR="$THALWEG_HOME/run"

# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------
log()  { printf '[stack] %s\n' "$*" >&2; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# port <base>: base port shifted by THALWEG_PORT_OFFSET
port() { echo $(( $1 + THALWEG_PORT_OFFSET )); }

ensure_dirs() {
  mkdir -p "$THALWEG_CACHE" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
}

# take_lock: serialize commands that start or stop things in one THALWEG_HOME.
take_lock() {
  ensure_dirs
  exec 9>"$RUN_DIR/.lock"
  if ! flock -n 9; then
    log "another stack.sh is starting or stopping services in $THALWEG_HOME; waiting"
    flock 9
  fi
}

have() { command -v "$1" >/dev/null 2>&1; }

# as_root <cmd...>: run a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else die "need root to run: $*"
  fi
}

# apt_install <pkg...>: install Debian packages (apt-get update first, once).
_APT_UPDATED=0
apt_install() {
  have apt-get || die "apt-get not found; install $* by hand"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$_APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -q >/dev/null || die "apt-get update failed"
    _APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null \
    || die "apt-get install $* failed"
}

# need_java <major>: make sure THALWEG_JAVA is at least that version
# (installs Debian's OpenJDK 17 when there is no java at all).
need_java() {
  local want="$1" v
  if ! have "$THALWEG_JAVA"; then
    [ "$THALWEG_JAVA" = java ] || die "THALWEG_JAVA=$THALWEG_JAVA not found"
    apt_install openjdk-17-jre-headless
  fi
  v="$("$THALWEG_JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')"
  [ "${v%%.*}" -ge "$want" ] 2>/dev/null || die "java $want+ needed, $THALWEG_JAVA is version '$v'"
}

need_mvn() {
  have mvn || apt_install maven
}

# need_go <release>: print a go binary able to build the stack's Go programs
# (OPA, FerretDB). Go 1.21+ fetches a newer toolchain by itself when a go.mod
# asks for one (GOTOOLCHAIN=auto); anything older, or no go at all, gets Go
# <release> from the module proxy (it is the Go module golang.org/toolchain).
need_go() {
  local release="$1" v minor
  if have go; then
    v="$(go env GOVERSION 2>/dev/null || true)"          # e.g. go1.26.8
    minor="$(sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p' <<<"$v")"
    if [ -n "$minor" ] && [ "$minor" -ge 21 ]; then command -v go; return 0; fi
    log "go ${v:-?} is too old; using Go $release from the module proxy"
  fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;;
    *) die "no Go toolchain for $(uname -m); install Go 1.21+ by hand" ;;
  esac
  local mod="v0.0.1-go$release.linux-$arch"
  local dir="$THALWEG_CACHE/go-toolchain-$release"
  if [ ! -x "$dir/bin/go" ]; then
    have curl || apt_install curl
    have unzip || apt_install unzip
    local proxy="${GOPROXY:-https://proxy.golang.org}"
    proxy="${proxy%%,*}"; proxy="${proxy%%|*}"
    [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
    local zip="$THALWEG_CACHE/downloads/golang-toolchain-$mod.zip"
    mkdir -p "$THALWEG_CACHE/downloads"
    log "fetching golang.org/toolchain@$mod from $proxy"
    curl -fsSL --retry 3 -o "$zip.part" "$proxy/golang.org/toolchain/@v/$mod.zip" \
      || die "could not download the Go toolchain from $proxy"
    mv -f "$zip.part" "$zip"
    rm -rf "$dir" "$dir.tmp"
    mkdir -p "$dir.tmp"
    unzip -q "$zip" -d "$dir.tmp"
    mv "$dir.tmp/golang.org/toolchain@$mod" "$dir"
    rm -rf "$dir.tmp" "$zip"
  fi
  echo "$dir/bin/go"
}

# ---------------------------------------------------------------------------
# Ports and HTTP
# ---------------------------------------------------------------------------
# port_open <port> [host]: true when something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# port_owner <port>: best effort description of who listens on a port.
port_owner() {
  if have ss; then
    local owners
    owners="$(ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p')"
    echo "${owners%%$'\n'*}"
  fi
}

# has_line <line>: true when standard input has exactly this line. It reads all
# of its input, which `grep -q` (and GNU grep writing to /dev/null) does not:
# under pipefail the writer, killed by SIGPIPE on its next line, would turn a
# match into a failure.
has_line() {
  local input
  input="$(cat)"
  [[ $'\n'"$input"$'\n' == *$'\n'"$1"$'\n'* ]]
}

# http_ok <url>: true when the URL answers 2xx.
http_ok() {
  curl -fsS -o /dev/null --max-time 5 "$1" 2>/dev/null
}

# ---------------------------------------------------------------------------
# Pid files and processes
# ---------------------------------------------------------------------------
pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

# read_pid <name>: the pid recorded for an instance (empty when none).
read_pid() {
  local f; f="$(pid_file "$1")"
  if [ -s "$f" ]; then tr -dc '0-9' <"$f"; fi
}

# pid_alive <pid> [pattern]: process exists (and its command line contains
# pattern, which guards against a recycled pid).
pid_alive() {
  local pid="$1" pattern="${2:-}"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -z "$pattern" ] && return 0
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$pattern"* ]]
}

# rotate_log <name>: keep the previous run's log as <name>.log.1.
rotate_log() {
  local f; f="$(log_file "$1")"
  [ -f "$f" ] && mv -f "$f" "$f.1"
  : >"$f"
}

# spawn <name> <cmd...>: start a command detached from this shell (own session,
# stdin closed, output appended to the instance log) and record its pid.
spawn() {
  local name="$1"; shift
  local lf; lf="$(log_file "$name")"
  rotate_log "$name"
  printf '=== %s starting: %s\n' "$(date -Is)" "$*" >>"$lf"
  # 9>&-: the service must not inherit (and so hold forever) the stack lock.
  setsid "$@" >>"$lf" 2>&1 </dev/null 9>&- &
  echo $! >"$(pid_file "$name")"
}

# stop_pids <timeout> <signal> <name:pid...>: signal every pid, then wait for
# all of them; SIGKILL whatever is still alive at the deadline.
stop_pids() {
  local timeout="$1" sig="$2"; shift 2
  local item pid deadline=$(( SECONDS + timeout )) alive
  for item in "$@"; do kill "-$sig" "${item#*:}" 2>/dev/null || true; done
  while :; do
    alive=()
    for item in "$@"; do
      pid="${item#*:}"
      kill -0 "$pid" 2>/dev/null && alive+=("$item")
    done
    [ "${#alive[@]}" -eq 0 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      for item in "${alive[@]}"; do
        warn "${item%%:*} (pid ${item#*:}) did not stop in ${timeout}s, killing it"
        kill -KILL "${item#*:}" 2>/dev/null || true
      done
      sleep 0.5
      return 0
    fi
    sleep 0.2
  done
}

# show_log_tail <name> [lines]: print the end of an instance log to stderr.
show_log_tail() {
  local f; f="$(log_file "$1")"
  [ -f "$f" ] || return 0
  printf -- '----- last %s lines of %s -----\n' "${2:-40}" "$f" >&2
  tail -n "${2:-40}" "$f" >&2
  printf -- '-----\n' >&2
}

# wait_until <name> <timeout-seconds> <check-cmd...>: poll the check every
# 0.5s until it succeeds. Fails early when the instance's process dies, and
# prints the tail of its log on failure.
wait_until() {
  local name="$1" timeout="$2"; shift 2
  local deadline=$(( SECONDS + timeout )) pid
  pid="$(read_pid "$name")"
  while :; do
    "$@" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      printf '[stack] ERROR: %s exited during startup (pid %s)\n' "$name" "$pid" >&2
      show_log_tail "$name"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf '[stack] ERROR: %s not ready after %ss\n' "$name" "$timeout" >&2
      show_log_tail "$name"
      return 1
    fi
    sleep 0.5
  done
}

# wait_for_port <name> <port> <timeout>
wait_for_port() { wait_until "$1" "$3" port_open "$2"; }

# wait_for_http <name> <url> <timeout>
wait_for_http() { wait_until "$1" "$3" http_ok "$2"; }

# log_has <name> <text>: the instance's current log contains a fixed string.
log_has() { grep -qF -- "$2" "$(log_file "$1")" 2>/dev/null; }

# file_sha <file...>: content hash, used to invalidate cached installs.
file_sha() { cat "$@" | sha256sum | cut -c1-16; }

# go_build_wait <pid> <build log> <what> <start, in SECONDS>: waits for a Go build running in the
# background, logging every 20 s how far it has got (`-v` lists each package compiled); on a
# failure shows the end of its log and stops.
go_build_wait() {
  local pid="$1" buildlog="$2" what="$3" t0="$4" rc=0 n
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null || break
    n="$(grep -cv '^go: downloading' "$buildlog" 2>/dev/null || true)"
    log "still building $what ($(( SECONDS - t0 ))s, ${n:-0} packages compiled, $(grep -c '^go: downloading' "$buildlog" 2>/dev/null || true) modules downloaded)"
  done
  wait "$pid" || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 30 "$buildlog" >&2
    die "building $what failed (log: $buildlog)"
  fi
}
