#!/bin/sh
# The compose stack's Kafka identities, once the brokers answer: what compose/native/components/
# kafka.sh (kafka_setup) does for the native stack. Run by the one-shot `kafka-init` job, with
# Kafka's own tools, as the operator's principal (a super user bootstrapped at format time).
#
#   sh init.sh [kafka-home]     (default: /opt/kafka)
#
# 1. SCRAM-SHA-512 credentials for every principal in SCRAM_USERS ("name=password" words): one per
#    service the topic specs name, one for Kafka UI, one for the Kafka exporter. The password is
#    set on every run, so the compose file (and compose/.env) stays the truth: change a password
#    there and `up` again.
# 2. The read-only ACLs of the two observers, which no topic spec names: Kafka UI (KAFKA_UI_USER)
#    describes the cluster, its configs, every topic and group, and reads every topic; the exporter
#    (KAFKA_EXPORTER_USER) describes the cluster, topics and groups. They are granted on the
#    wildcard resources, which `thalweg topics apply` never revokes (it reconciles the resources
#    the specs name only). The services' own ACLs come from the specs, applied by `init`.
#
# Input: KAFKA_BOOTSTRAP (host:port,...), SCRAM_ADMIN_USER, SCRAM_ADMIN_PASSWORD, SCRAM_USERS,
# KAFKA_UI_USER, KAFKA_EXPORTER_USER.
set -eu

kafka_home="${1:-/opt/kafka}"
: "${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP is required}"
: "${SCRAM_ADMIN_USER:?SCRAM_ADMIN_USER is required}"
: "${SCRAM_ADMIN_PASSWORD:?SCRAM_ADMIN_PASSWORD is required}"
: "${SCRAM_USERS:?SCRAM_USERS is required}"
: "${KAFKA_UI_USER:?KAFKA_UI_USER is required}"
: "${KAFKA_EXPORTER_USER:?KAFKA_EXPORTER_USER is required}"

umask 077
admin_config="$(mktemp)"
trap 'rm -f "$admin_config"' EXIT
cat > "$admin_config" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$SCRAM_ADMIN_USER" password="$SCRAM_ADMIN_PASSWORD";
PROPERTIES

kafka() { # kafka <tool> [args...]: one of Kafka's tools, as the operator
  tool="$1"
  shift
  "$kafka_home/bin/$tool" --bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$admin_config" "$@"
}

for entry in $SCRAM_USERS; do
  user="${entry%%=*}"
  password="${entry#*=}"
  if [ -z "$user" ] || [ "$user" = "$entry" ] || [ -z "$password" ]; then
    echo "SCRAM_USERS: '$user' is not a name=password word" >&2
    exit 1
  fi
  echo "SCRAM-SHA-512 credentials for $user"
  kafka kafka-configs.sh --alter --entity-type users --entity-name "$user" \
    --add-config "SCRAM-SHA-512=[password=$password]" > /dev/null
done

echo "read-only ACLs for $KAFKA_UI_USER (Kafka UI)"
kafka kafka-acls.sh --add --allow-principal "User:$KAFKA_UI_USER" --cluster \
  --operation Describe --operation DescribeConfigs > /dev/null
kafka kafka-acls.sh --add --allow-principal "User:$KAFKA_UI_USER" --topic '*' \
  --operation Read --operation Describe --operation DescribeConfigs > /dev/null
kafka kafka-acls.sh --add --allow-principal "User:$KAFKA_UI_USER" --group '*' \
  --operation Describe > /dev/null

echo "read-only ACLs for $KAFKA_EXPORTER_USER (Kafka exporter)"
kafka kafka-acls.sh --add --allow-principal "User:$KAFKA_EXPORTER_USER" --cluster --operation Describe > /dev/null
kafka kafka-acls.sh --add --allow-principal "User:$KAFKA_EXPORTER_USER" --topic '*' --operation Describe > /dev/null
kafka kafka-acls.sh --add --allow-principal "User:$KAFKA_EXPORTER_USER" --group '*' --operation Describe > /dev/null
