# shellcheck shell=bash
# Redis from Debian's packages, started by hand (not by the init system) on
# 127.0.0.1, without persistence: a cache, emptied by every restart.

redis_port()  { port 6379; }
redis_ports() { redis_port; }
redis_match() { echo "redis-server"; }   # redis rewrites its process title
redis_ready_timeout() { echo 30; }

redis_install() {
  if ! have redis-server || ! have redis-cli; then
    apt_install redis-server
    # The package may start a system instance on 6379; this stack runs its own.
    if have service; then as_root service redis-server stop >/dev/null 2>&1 || true; fi
  fi
}

redis_start() {
  local conf="$DATA_DIR/redis/redis.conf"
  mkdir -p "$DATA_DIR/redis"
  cat >"$conf" <<EOF
bind 127.0.0.1
port $(redis_port)
protected-mode yes
daemonize no
supervised no
dir $DATA_DIR/redis
save ""
appendonly no
loglevel notice
logfile ""
databases 16
maxclients 10000
EOF
  spawn redis redis-server "$conf"
}

redis_ready() {
  [ "$(redis-cli -h 127.0.0.1 -p "$(redis_port)" ping 2>/dev/null)" = PONG ]
}

redis_url() { echo "redis://127.0.0.1:$(redis_port)"; }

redis_endpoints() {
  printf '  %-12s %s  (no persistence)\n' redis "$(redis_url)"
}

redis_env() {
  echo "THALWEG_REDIS_URL=$(redis_url)"
  echo "REDIS_URL=$(redis_url)"
}

redis_tools() { echo redis-cli; }

# stack.sh run redis-cli [args...]
tool_redis_cli() {
  redis-cli -h 127.0.0.1 -p "$(redis_port)" "$@"
}
