/** Help texts. `thalweg --help`, `thalweg <area> --help`, `thalweg <area> <command> --help`. */

const environment = `Environment:
  THALWEG_KAFKA_BROKERS   Kafka bootstrap servers, comma-separated (default 127.0.0.1:9092)
  THALWEG_KAFKA_USERNAME  SASL principal, the operator's (the native stack's stack.env sets
                          thalweg-admin); empty: no SASL
  THALWEG_KAFKA_PASSWORD  its password
  THALWEG_KAFKA_SASL_MECHANISM
                          scram-sha-512 (default), scram-sha-256 or plain
  THALWEG_REGISTRY_URL    Confluent-compatible registry URL
                          (default http://127.0.0.1:8085/apis/ccompat/v7)`;

const locations = `Locations:
  --repo <dir>            the git repository holding schemas/ and topics/ (default: this checkout)
  --schemas-dir <dir>     the Avro schemas (default <repo>/schemas)
  --topics-dir <dir>      the topic specs (default <repo>/topics)`;

export const mainUsage = `thalweg: topics and schemas as code for the Thalweg event backbone.

Usage:
  thalweg schemas check [--online]      prove every schema change compatible (exit 1 if not)
  thalweg schemas register [--subject <s>]...
                                        register the schemas under their subjects
  thalweg schemas generate [--check]    write the TypeScript payload types
  thalweg topics plan [--allow-destructive <topic>]...
                                        show what reconciling the cluster would do
  thalweg topics apply [--allow-destructive <topic>]...
                                        apply the plan; destructive changes only when named

Run \`thalweg <area> <command> --help\` for details.

${locations}

${environment}

Exit codes: 0 success, 1 failure (incompatible, refused, unreachable), 2 usage error.`;

export const commandUsage: Record<string, string> = {
  'schemas check': `thalweg schemas check [--online]

Checks every schemas/**/*.avsc:
  * it is a valid Avro record with a doc on the record and every field, in thalweg.<domain>,
    in a file named after the record (FundsCredited -> funds-credited.avsc);
  * offline, the working-tree file against EVERY committed version of it in git history
    (git log --follow): each old version must read the new one and the new one must read each
    old version (FULL_TRANSITIVE), or as the topic spec's compatibility level says.
    An uncommitted change is the candidate; with a clean tree the check proves HEAD;
  * with --online, also each subject <topic>-<record> against the registry.
Problems name the field: "FundsCredited.amountMinor: type changed from long to string".

${locations}

${environment}`,
  'schemas register': `thalweg schemas register [--subject <subject>]...

Registers each event type allowed on a topic under its subject <topic>-<record full name>
(TopicRecordNameStrategy) and sets the subject's compatibility to the topic's level. Every
subject is checked against the registry first: if one is incompatible nothing is registered.
--subject limits the run to the named subjects.

${locations}

${environment}`,
  'schemas generate': `thalweg schemas generate [--check] [--out <dir>]

Writes the TypeScript payload types generated from the schemas (one file per domain plus an
index with EventPayloads) to <repo>/services/platform/src/schemas/generated, or --out.
With --check nothing is written: exit 1 when the generated files are out of date.

${locations}`,
  'topics plan': `thalweg topics plan [--allow-destructive <topic>]...

Compares the cluster with topics/*.yaml and the topics derived from them (<topic>.<group>.dlq,
one per consumer group; <topic>.<group>.changelog, one per stateful group) and prints the plan.
Changes nothing.
  + create       a topic that does not exist yet
  ~ update       more partitions, changed configs
  -/+ replace    a topic deleted and re-created (partition decrease), only when named
  - delete       an undeclared topic, only when named
  ! refused      a destructive change whose topic was not named
The replication factor is capped at the broker count and min.insync.replicas at
max(1, RF-1) when the cluster is smaller than the spec asks; the plan says so.

${locations}

${environment}`,
  'topics apply': `thalweg topics apply [--allow-destructive <topic>]...

Computes the plan (see \`thalweg topics plan --help\`), prints it and applies it: creates
topics, adds partitions and updates configs. Destructive changes are refused (exit 1) unless
their topic is named with --allow-destructive <topic> (repeat the flag per topic):
  * fewer partitions           the topic is deleted and re-created: its records are lost
  * another replication factor replicas are moved between brokers
  * cleanup.policy change      changes which records the topic keeps
  * retention decrease         deletes older records
  * an undeclared topic named  is deleted
Naming a topic covers its dead letter and changelog topics too.

${locations}

${environment}`,
};

export const areaUsage: Record<string, string> = {
  schemas: `thalweg schemas <check|register|generate> [options]\n\n${['schemas check', 'schemas register', 'schemas generate'].map((key) => commandUsage[key]!.split('\n')[0]).join('\n')}`,
  topics: `thalweg topics <plan|apply> [options]\n\n${['topics plan', 'topics apply'].map((key) => commandUsage[key]!.split('\n')[0]).join('\n')}`,
};
