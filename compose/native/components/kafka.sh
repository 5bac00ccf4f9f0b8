# shellcheck shell=bash
# Apache Kafka 4.1.1 in KRaft mode, resolved from Maven Central (see
# kafka/pom.xml) and run straight from the jars: no tarball, no scripts.
#
# BROKERS=1 (default): one combined broker+controller, instance "kafka",
#   node id 1, broker 127.0.0.1:9092, controller 127.0.0.1:9192.
# BROKERS=3: instances kafka-1..kafka-3 (node ids 1..3), brokers on
#   9092/9093/9094, controllers on 9192/9193/9194, a 3-voter static quorum.
#   Each can be stopped and started alone: `stack.sh down kafka-2`.
# The mode is written next to the data when it is first formatted; switching
# needs `stack.sh reset`.
#
# Identity: clients and brokers authenticate with SASL/SCRAM-SHA-512 on the
# SASL_PLAINTEXT listener; the controller listener uses SASL/PLAIN with static
# users, because SCRAM credentials live in the metadata log the controllers
# serve and so cannot authenticate the controllers themselves. The
# StandardAuthorizer refuses whatever no ACL allows; the ACLs come from the
# topic specs (`thalweg topics apply`). Principals: thalweg-admin (the
# operator: CLI, tools, tests; a super user), thalweg-broker (the nodes
# themselves; a super user) and one per service named in topics/*.yaml.
# Passwords are `<principal>-kafka-dev-secret`: development values only.

KAFKA_VERSION=4.1.1
KAFKA_DIST="$THALWEG_CACHE/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_DIST/libs"
KAFKA_DATA="$DATA_DIR/kafka"
KAFKA_HEAP="${KAFKA_HEAP:--Xmx768m}"
# Written at format time; data formatted without it predates SASL and cannot authenticate anyone.
KAFKA_SECURITY_MARK="$KAFKA_DATA/security"
KAFKA_SECURITY=sasl-scram-sha-512
KAFKA_ADMIN=thalweg-admin
KAFKA_BROKER_PRINCIPAL=thalweg-broker
KAFKA_CLIENT_CONFIG="$KAFKA_DATA/admin-client.properties"

# The mode in force: the one the data was formatted with, else BROKERS, else 1.
KAFKA_FORMATTED_BROKERS="$(cat "$KAFKA_DATA/brokers" 2>/dev/null || true)"
KAFKA_BROKERS="${KAFKA_FORMATTED_BROKERS:-${BROKERS:-1}}"

kafka_preflight() {
  case "${BROKERS:-$KAFKA_BROKERS}" in
    1|3) ;;
    *) die "BROKERS must be 1 or 3 (got '${BROKERS}')" ;;
  esac
  if [ -n "$KAFKA_FORMATTED_BROKERS" ] && [ -n "${BROKERS:-}" ] \
     && [ "$BROKERS" != "$KAFKA_FORMATTED_BROKERS" ]; then
    die "Kafka data in $KAFKA_DATA was formatted for BROKERS=$KAFKA_FORMATTED_BROKERS, not BROKERS=$BROKERS. Run 'stack.sh reset' (wipes all data) to switch."
  fi
  if [ -s "$KAFKA_DATA/cluster.id" ] && [ "$(cat "$KAFKA_SECURITY_MARK" 2>/dev/null)" != "$KAFKA_SECURITY" ]; then
    die "Kafka data in $KAFKA_DATA was formatted with PLAINTEXT listeners, before the brokers required SASL/SCRAM; it holds no credentials. Run 'stack.sh reset' (wipes all data) to re-create it with them."
  fi
}

# The development password of a principal. Never used outside the native dev stack.
kafka_dev_password() { echo "$1-kafka-dev-secret"; }

# The services the topic specs name, as producers or consumer groups: each is a principal.
# Reads the two YAML shapes the specs use: `producers: [a, b]` (or a block list) and `- group: g`.
kafka_service_principals() {
  local f
  for f in "$REPO_ROOT"/topics/*.yaml; do
    [ -f "$f" ] || continue
    awk '
      /^[^ #-]/ { in_producers = 0 }
      /^producers:/ {
        line = $0; sub(/^producers:[ ]*/, "", line); sub(/#.*/, "", line)
        if (line ~ /^\[/) { gsub(/[][ ]/, "", line); n = split(line, names, ","); for (i = 1; i <= n; i++) if (names[i] != "") print names[i] }
        else in_producers = 1
        next
      }
      in_producers && /^[ ]*-[ ]*[a-z]/ { line = $0; sub(/^[ ]*-[ ]*/, "", line); sub(/[ #].*/, "", line); print line; next }
      /^[ ]*-?[ ]*group:/ { line = $0; sub(/^[ ]*-?[ ]*group:[ ]*/, "", line); sub(/[ #].*/, "", line); print line }
    ' "$f"
  done | sort -u
}

# Every principal with SCRAM credentials: the operator, the nodes, the services.
_kafka_scram_principals() {
  echo "$KAFKA_ADMIN"
  echo "$KAFKA_BROKER_PRINCIPAL"
  kafka_service_principals
}

kafka_instances() {
  if [ "$KAFKA_BROKERS" = 1 ]; then echo kafka; else seq -f 'kafka-%g' 1 "$KAFKA_BROKERS"; fi
}

_kafka_node_id() { # instance -> node id
  case "$1" in kafka) echo 1 ;; kafka-*) echo "${1#kafka-}" ;; esac
}
_kafka_broker_port()     { port $(( 9092 + $1 - 1 )); }   # node id
_kafka_controller_port() { port $(( 9192 + $1 - 1 )); }   # node id

kafka_ports() {
  local id; id="$(_kafka_node_id "$1")"
  echo "$(_kafka_broker_port "$id") $(_kafka_controller_port "$id")"
}

kafka_bootstrap() {
  local id out=()
  for (( id=1; id<=KAFKA_BROKERS; id++ )); do out+=("127.0.0.1:$(_kafka_broker_port "$id")"); done
  local IFS=,; echo "${out[*]}"
}

_kafka_voters() {
  local id out=()
  for (( id=1; id<=KAFKA_BROKERS; id++ )); do out+=("$id@127.0.0.1:$(_kafka_controller_port "$id")"); done
  local IFS=,; echo "${out[*]}"
}

kafka_match() { echo "$KAFKA_DATA/$1.properties"; }
kafka_ready_timeout() { echo 120; }

kafka_install() {
  kafka_preflight
  need_java 17
  local stamp="$KAFKA_DIST/.complete" want
  want="$(file_sha "$NATIVE_DIR/kafka/pom.xml")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  need_mvn
  log "resolving Kafka $KAFKA_VERSION from Maven Central into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  mvn -B -q -f "$NATIVE_DIR/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >"$KAFKA_DIST/mvn.log" 2>&1 \
    || { tail -n 30 "$KAFKA_DIST/mvn.log" >&2; die "maven could not resolve Kafka (log: $KAFKA_DIST/mvn.log)"; }
  [ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ] || die "Kafka jars missing from $KAFKA_LIBS"
  echo "$want" >"$stamp"
}

# _kafka_java <log4j2-config> <main-class> [args...]
_kafka_java() {
  local conf="$1"; shift
  "$THALWEG_JAVA" -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$conf" "$@"
}

_kafka_write_config() { # instance
  local i="$1" id rf=1 isr=1 broker_password
  id="$(_kafka_node_id "$i")"
  broker_password="$(kafka_dev_password "$KAFKA_BROKER_PRINCIPAL")"
  if [ "$KAFKA_BROKERS" = 3 ]; then rf=3; isr=2; fi
  # The file holds passwords: readable by its owner only.
  (umask 077; : >"$KAFKA_DATA/$i.properties")
  cat >"$KAFKA_DATA/$i.properties" <<EOF
# Generated by compose/native/components/kafka.sh on every start.
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$(_kafka_voters)
listeners=SASL_PLAINTEXT://127.0.0.1:$(_kafka_broker_port "$id"),CONTROLLER://127.0.0.1:$(_kafka_controller_port "$id")
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$(_kafka_broker_port "$id")
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
log.dirs=$KAFKA_DATA/node-$id

# Clients and brokers: SCRAM-SHA-512, credentials in the metadata log (bootstrapped at format time).
listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_BROKER_PRINCIPAL" password="$broker_password";
# Controllers: PLAIN with a static user, since SCRAM needs the metadata the controllers serve.
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$KAFKA_BROKER_PRINCIPAL" password="$broker_password" user_$KAFKA_BROKER_PRINCIPAL="$broker_password";
# Whatever no ACL allows is refused; the ACLs come from the topic specs.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN;User:$KAFKA_BROKER_PRINCIPAL

num.partitions=3
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
num.network.threads=3
num.io.threads=4
EOF
}

# --add-scram arguments for every principal: a SCRAM listener between brokers needs
# credentials before the first broker starts (KIP-900).
_kafka_scram_args() {
  local principal
  for principal in $(_kafka_scram_principals); do
    printf -- '--add-scram\nSCRAM-SHA-512=[name=%s,password=%s]\n' "$principal" "$(kafka_dev_password "$principal")"
  done
}

_kafka_format() { # instance
  local i="$1" id cid scram=()
  id="$(_kafka_node_id "$i")"
  [ -f "$KAFKA_DATA/node-$id/meta.properties" ] && return 0
  if [ ! -s "$KAFKA_DATA/cluster.id" ]; then
    # A Kafka Uuid: 16 random bytes, base64url without padding; like Kafka's own (Uuid.randomUuid)
    # never one starting with '-', which its tools would read as an option (1 draw in 64).
    until cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" && [[ "$cid" != -* ]]; do :; done
    echo "$cid" >"$KAFKA_DATA/cluster.id"
    echo "$KAFKA_BROKERS" >"$KAFKA_DATA/brokers"
    echo "$KAFKA_SECURITY" >"$KAFKA_SECURITY_MARK"
  fi
  cid="$(cat "$KAFKA_DATA/cluster.id")"
  mapfile -t scram < <(_kafka_scram_args)
  log "formatting $i storage (cluster id $cid, SCRAM credentials for $(_kafka_scram_principals | paste -sd, -))"
  _kafka_java "$NATIVE_DIR/kafka/log4j2-tools.xml" kafka.tools.StorageTool format \
      --cluster-id "$cid" --config "$KAFKA_DATA/$i.properties" --ignore-formatted "${scram[@]}" \
      >"$(log_file "$i-format")" 2>&1 \
    || { show_log_tail "$i-format"; die "formatting $i storage failed"; }
}

kafka_start() { # instance
  local i="$1"
  mkdir -p "$KAFKA_DATA"
  _kafka_write_config "$i"
  _kafka_format "$i"
  # shellcheck disable=SC2086
  spawn "$i" "$THALWEG_JAVA" $KAFKA_HEAP -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$NATIVE_DIR/kafka/log4j2.xml" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DATA/$i.properties"
}

# Ready: the broker port accepts connections and this run logged the broker's
# "started" line, which KRaft prints only once the node has joined the quorum
# and caught up with the metadata log.
kafka_ready() { # instance
  local id; id="$(_kafka_node_id "$1")"
  port_open "$(_kafka_broker_port "$id")" && log_has "$1" "Kafka Server started"
}

kafka_endpoints() {
  printf '  %-12s %s  (%s broker(s), KRaft, controller port(s) %s)\n' kafka \
    "$(kafka_bootstrap)" "$KAFKA_BROKERS" \
    "$(for i in $(kafka_instances); do _kafka_controller_port "$(_kafka_node_id "$i")"; done | paste -sd, -)"
}

# The operator's client settings for Kafka's Java tools; rewritten on use, readable by its owner only.
kafka_client_config() {
  mkdir -p "$KAFKA_DATA"
  (umask 077; cat >"$KAFKA_CLIENT_CONFIG.tmp" <<EOF
# Generated by compose/native/components/kafka.sh: the operator principal, for Kafka's tools.
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN" password="$(kafka_dev_password "$KAFKA_ADMIN")";
EOF
  )
  mv -f "$KAFKA_CLIENT_CONFIG.tmp" "$KAFKA_CLIENT_CONFIG"
  echo "$KAFKA_CLIENT_CONFIG"
}

# Principals the topic specs name after the data was formatted get their credentials here, so a
# new service works on an existing stack too. Existing credentials are left as they are (a
# rotated password stays rotated).
kafka_setup() {
  local config have principal missing=()
  config="$(kafka_client_config)"
  have="$(_kafka_java "$NATIVE_DIR/kafka/log4j2-tools.xml" kafka.admin.ConfigCommand \
      --bootstrap-server "$(kafka_bootstrap)" --command-config "$config" --describe --entity-type users)" \
    || { warn "could not list Kafka's SCRAM users"; return 1; }
  for principal in $(_kafka_scram_principals); do
    grep -qF "user-principal '$principal' are SCRAM-SHA-512" <<<"$have" || missing+=("$principal")
  done
  for principal in "${missing[@]}"; do
    log "adding Kafka SCRAM credentials for $principal"
    _kafka_java "$NATIVE_DIR/kafka/log4j2-tools.xml" kafka.admin.ConfigCommand \
        --bootstrap-server "$(kafka_bootstrap)" --command-config "$config" --alter \
        --entity-type users --entity-name "$principal" \
        --add-config "SCRAM-SHA-512=[password=$(kafka_dev_password "$principal")]" >/dev/null \
      || { warn "could not add SCRAM credentials for $principal"; return 1; }
  done
}

kafka_env() {
  echo "THALWEG_KAFKA_BROKERS=$(kafka_bootstrap)"
  echo "KAFKA_BROKERS=$(kafka_bootstrap)"
  # The operator principal (super user): the CLI and the tests connect as it.
  echo "THALWEG_KAFKA_USERNAME=$KAFKA_ADMIN"
  echo "THALWEG_KAFKA_PASSWORD=$(kafka_dev_password "$KAFKA_ADMIN")"
}

kafka_tools() { echo kafka-topics kafka-class kafka-client-config; }

# stack.sh run kafka-topics [args...]: org.apache.kafka.tools.TopicCommand as the operator,
# with --bootstrap-server and --command-config filled in when not given.
tool_kafka_topics() {
  local args=("$@")
  [[ " $* " == *" --bootstrap-server "* ]] || args=(--bootstrap-server "$(kafka_bootstrap)" "${args[@]}")
  [[ " $* " == *" --command-config "* ]] || args=(--command-config "$(kafka_client_config)" "${args[@]}")
  _kafka_java "$NATIVE_DIR/kafka/log4j2-tools.xml" org.apache.kafka.tools.TopicCommand "${args[@]}"
}

# Kafka's admin tools that take the operator's client settings as --command-config.
_kafka_admin_tool() {
  case "$1" in
    org.apache.kafka.tools.TopicCommand|org.apache.kafka.tools.consumer.group.ConsumerGroupCommand|\
    org.apache.kafka.tools.AclCommand|kafka.admin.ConfigCommand|org.apache.kafka.tools.BrokerApiVersionsCommand|\
    org.apache.kafka.tools.DeleteRecordsCommand|org.apache.kafka.tools.LogDirsCommand|org.apache.kafka.tools.GetOffsetShell|\
    org.apache.kafka.tools.reassign.ReassignPartitionsCommand|org.apache.kafka.tools.FeatureCommand|org.apache.kafka.tools.MetadataQuorumCommand|\
    org.apache.kafka.tools.GroupsCommand|org.apache.kafka.tools.TransactionsCommand) return 0 ;;
    *) return 1 ;;
  esac
}

# stack.sh run kafka-class <main-class> [args...]: any class on Kafka's classpath, e.g.
# org.apache.kafka.tools.consumer.group.ConsumerGroupCommand. Admin tools get --bootstrap-server
# and --command-config (the operator's credentials) when not given; other classes (console
# producer and consumer) take the file printed by `stack.sh run kafka-client-config`.
tool_kafka_class() {
  [ "$#" -ge 1 ] || die "usage: stack.sh run kafka-class <main-class> [args...]"
  local class="$1"; shift
  local args=("$@")
  if _kafka_admin_tool "$class"; then
    [[ " $* " == *" --bootstrap-server "* || " $* " == *" --bootstrap-controller "* ]] || args=(--bootstrap-server "$(kafka_bootstrap)" "${args[@]}")
    [[ " $* " == *" --command-config "* ]] || args=(--command-config "$(kafka_client_config)" "${args[@]}")
  fi
  _kafka_java "$NATIVE_DIR/kafka/log4j2-tools.xml" "$class" "${args[@]}"
}

# stack.sh run kafka-client-config: writes the operator's client properties and prints their path.
tool_kafka_client_config() { kafka_client_config; }
