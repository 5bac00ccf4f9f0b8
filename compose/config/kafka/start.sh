#!/bin/sh
# Starts one Kafka node of the compose stack, secured as compose/native/components/kafka.sh secures
# a native one: SASL/SCRAM-SHA-512 for clients and between brokers, SASL/PLAIN with a static user on
# the controller listener (SCRAM credentials live in the metadata log the controllers serve, so they
# cannot authenticate the controllers), the StandardAuthorizer refusing what no ACL allows.
#
#   sh start.sh [kafka-home] [config-dir]     (defaults: /opt/kafka, /opt/kafka/config)
#
# The image's own start scripts are bypassed because they cannot bootstrap SCRAM credentials, and a
# SCRAM listener between brokers needs them before the first broker starts (KIP-900): this script
# formats the storage itself, with `--add-scram` for the nodes' principal and the operator's.
#
# Input, from the compose file:
#   KAFKA_*                 server properties, named as the apache/kafka image names them:
#                           KAFKA_ dropped, lower case, `___` -> `-`, `__` -> `_`, `_` -> `.`
#                           (KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG is
#                           listener.name.internal.scram-sha-512.sasl.jaas.config); the JVM
#                           settings kafka-run-class.sh reads (KAFKA_HEAP_OPTS...) are not properties
#   CLUSTER_ID              the cluster id every node formats its storage with
#   SCRAM_BROKER_USER, SCRAM_BROKER_PASSWORD   the nodes' principal (a super user)
#   SCRAM_ADMIN_USER, SCRAM_ADMIN_PASSWORD     the operator's principal (a super user): kafka-init
#                                              connects as it to create the services' credentials
# Passwords must not contain spaces, quotes, commas or brackets (they are written into JAAS and
# --add-scram arguments as they are).
set -eu

kafka_home="${1:-/opt/kafka}"
config_dir="${2:-$kafka_home/config}"
config="$config_dir/thalweg-server.properties"
client_config="$config_dir/thalweg-healthcheck.properties"

: "${CLUSTER_ID:?CLUSTER_ID is required}"
: "${SCRAM_BROKER_USER:?SCRAM_BROKER_USER is required}"
: "${SCRAM_BROKER_PASSWORD:?SCRAM_BROKER_PASSWORD is required}"
: "${SCRAM_ADMIN_USER:?SCRAM_ADMIN_USER is required}"
: "${SCRAM_ADMIN_PASSWORD:?SCRAM_ADMIN_PASSWORD is required}"

# Both files hold passwords: readable by the broker's user only.
umask 077

# 1. server properties from the KAFKA_* variables.
env | sort | while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_GC_LOG_OPTS | KAFKA_LOG4J_OPTS | KAFKA_JMX_OPTS | KAFKA_DEBUG | KAFKA_HOME) continue ;;
    KAFKA_?*) ;;
    *) continue ;;
  esac
  key="$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/\//g' -e 's/_/./g' -e 's/\//_/g')"
  printf '%s=%s\n' "$key" "$value"
done > "$config"

# 2. the storage, formatted once, with the two super users' SCRAM credentials.
"$kafka_home/bin/kafka-storage.sh" format --cluster-id "$CLUSTER_ID" --config "$config" --ignore-formatted \
  --add-scram "SCRAM-SHA-512=[name=$SCRAM_BROKER_USER,password=$SCRAM_BROKER_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=$SCRAM_ADMIN_USER,password=$SCRAM_ADMIN_PASSWORD]"

# 3. the client settings of the healthcheck (kafka-broker-api-versions.sh), as the nodes' principal.
cat > "$client_config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$SCRAM_BROKER_USER" password="$SCRAM_BROKER_PASSWORD";
PROPERTIES

exec "$kafka_home/bin/kafka-server-start.sh" "$config"
