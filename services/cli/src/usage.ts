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

const operationsEnvironment = `Where the stores and services are (the variables the services read):
  THALWEG_DATABASE_URL    PostgreSQL of the ledger projection
  THALWEG_MONGODB_URL     MongoDB of the identity projection
  THALWEG_SEARCH_BACKEND  postgres (THALWEG_SEARCH_DATABASE_URL) or typesense (THALWEG_TYPESENSE_URL,
                          THALWEG_TYPESENSE_API_KEY): the search projection's store; unset, postgres
  THALWEG_REDIS_URL, THALWEG_OPA_URL, THALWEG_KEYCLOAK_URL (and THALWEG_KEYCLOAK_REALM)
                          the other components that thalweg status probes
  THALWEG_<SERVICE>_URL   a service's instances, comma-separated, e.g.
                          THALWEG_PROJECTOR_POSTGRES_URL=http://10.0.0.5:4011,http://10.0.0.6:4011;
                          unset: the port compose/native/services.sh starts it on, on 127.0.0.1
                          (command-api 4001, query-api 4002, search-api 4003, projector-postgres
                          4011, projector-search 4012, projector-mongo 4013, ledger-processor 4014),
                          plus THALWEG_PORT_OFFSET`;

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
  thalweg asyncapi [--check]            write the AsyncAPI document of topics/ and schemas/
  thalweg topics plan [--allow-destructive <topic>]...
                                        show what reconciling the cluster would do
  thalweg topics apply [--allow-destructive <topic>]...
                                        apply the plan; destructive changes only when named
  thalweg projections list              every projection: name, group, topics, store
  thalweg projections status [<name>]   stored offsets, end offsets, lag, instances' readiness
  thalweg projections rebuild <name>    blue/green: a new generation from offset 0, swapped in once caught up
  thalweg projections drop <name> <generation>
                                        remove a generation that is no longer live
  thalweg status [--watch [seconds]]    components, services' readiness, every group's lag
  thalweg dlq list                      dead letter topics, counted per group and error code
  thalweg dlq show <dlq-topic>          dead letters decoded, with their headers and errors
  thalweg dlq replay <dlq-topic> (filters | --all)
                                        send dead letters back to the group that failed them
  thalweg dlq discard <dlq-topic> (filters | --all) --reason <text>
                                        record that dead letters are not to be replayed

Run \`thalweg <area> <command> --help\` for details.

${locations}

${environment}

Exit codes: 0 success, 1 failure (incompatible, refused, unreachable, not ready), 2 usage error.`;

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

Compares the cluster with topics/*.yaml and the topics derived from them (<topic>.<group>.dlq
and <topic>.<group>.retry, one each per consumer group; <topic>.<group>.changelog, one per
stateful group) and prints the plan.
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
Naming a topic covers its dead letter, retry and changelog topics too.

${locations}

${environment}`,
};

commandUsage.asyncapi = `thalweg asyncapi [--check] [--out <file>]

Writes the AsyncAPI 3.0.0 document generated from topics/*.yaml and schemas/**/*.avsc to
<repo>/docs/asyncapi.json, or --out: a channel per topic (with its dead letter, retry and
changelog topics) and its Kafka bindings, a message per event type (its Avro schema, the
CloudEvents headers, the key, the subject), a send operation per producer and a receive operation
per consumer group, and the native stack's brokers as the development server (SASL/SCRAM).
The document is validated with the AsyncAPI parser first: an error writes nothing (exit 1).
With --check nothing is written: exit 1 when the file is missing or out of date.

${locations}`;

commandUsage['projections list'] = `thalweg projections list [--json]

Lists every projection: its name, the consumer group it projects as, the topics it reads (those
whose spec under topics/ lists that group) and the kind of store it keeps its read model and
offsets in. Talks to nothing.

${locations}`;

commandUsage['projections status'] = `thalweg projections status [<name>] [--group <group>] [--json]

For each projection (or the one named), its group and, per topic and partition:
  STORED        the projection's own next offset, read from its store (the truth it resumes from)
  END           Kafka's end offset (the next offset to be written)
  LAG           END - STORED: events not yet applied (from the first offset kept when none is stored)
  COMMITTED     the group's offset committed to Kafka (for lag monitoring; may trail STORED)
  LAST APPLIED  when the store last moved the offset
and the readiness (/readyz) of its service's instances, saying where they were looked for.
A store that cannot be reached is shown as UNREACHABLE and the exit code is 1. The Typesense
search backend keeps no time the CLI can read: LAST APPLIED is shown as - there.
--group <group>  the named projection under another consumer group (a service started with
                 THALWEG_CONSUMER_GROUP); its topics stay those declared for the service.
--json           one JSON document: { "projections": [ ... ] }, offsets and lags as numbers.

${locations}

${environment}

${operationsEnvironment}`;

commandUsage['projections rebuild'] = `thalweg projections rebuild <name> [--group <group>]

Rebuilds a projection blue/green: ledger (PostgreSQL) or identity (MongoDB). A new generation,
with its own schema (<name>_g<N>) or database (<database>_g<N>) and its own consumer group
(<group>-g<N>), is filled from offset 0 by the projection's running service (every instance takes
a share of its partitions) while the live generation keeps serving. Once every partition has
caught up with the topics' ends (and is not behind the live generation), readers are moved at
once: the read schema's views (ledger.wallets, ...) in one transaction, or the MongoDB
generations' pointer in one update. Readers see the previous generation or the new one, never a
half-built one. The previous
generation is kept until \`thalweg projections drop\`. Progress with events/s and an ETA, on one
line on a terminal, a line per step and every ten seconds otherwise. Run it again to follow a
rebuild already under way (one at a time per projection).
--group <group>  the projection's group when its service runs with THALWEG_CONSUMER_GROUP.

${locations}

${environment}

${operationsEnvironment}`;

commandUsage['projections drop'] = `thalweg projections drop <name> <generation> [--group <group>]

Drops a generation that is not live (a previous one after a rebuild, or a rebuild abandoned):
its schema or database, its record and, once its projectors have let it go, its consumer
group. The live generation and generation 0 (where the projector first wrote) are refused.
--group <group>  the projection's group when its service runs with THALWEG_CONSUMER_GROUP.

${locations}

${environment}

${operationsEnvironment}`;

commandUsage.status = `thalweg status [--watch [seconds]] [--json]

One screen: the stack's components (Kafka, PostgreSQL, MongoDB, Redis, Typesense, the registry,
OPA, Keycloak: up or down, probed the way compose/native/stack.sh checks them), the readiness
(/readyz) of every Thalweg service instance, and every consumer group the topic specs declare
with its lag per topic (Kafka's end offsets minus the group's committed offsets). Every probe
runs in parallel with a timeout of about 2 s.
--watch [seconds]  refresh every 2 s (or as given) until Ctrl-C; on a terminal the screen is
                   redrawn, otherwise each look is printed after the last
--json             one JSON document (with --watch, one per line)
Exit code 1 when a component is down or a service instance is not ready.

${locations}

${environment}

${operationsEnvironment}`;

const deadLetterFilters = `Filters (all given must hold):
  --code <code>           the error code (repeat for several), e.g. THALWEG_SCHEMA_NOT_FOUND
  --since <time>          dead-lettered at or after: ISO 8601 (2026-12-01T10:00:00Z) or a
                          duration back from now (90s, 30m, 2h, 7d)
  --until <time>          dead-lettered at or before, likewise
  --partition <n>         the dead letter topic's partition
  --offset <n>|<n>-<m>    the dead letter's offset, or an inclusive range (with --partition when
                          the topic has several partitions, or it applies to each)
  --limit <n>             at most n dead letters, in partition and offset order`;

commandUsage['dlq list'] = `thalweg dlq list [--group <group>] [--json]

Lists every dead letter topic on the cluster (<topic>.<group>.dlq) with its dead letters counted
per group and error code: PENDING (neither replayed nor discarded), REPLAYED, DISCARDED, TOTAL.
Only headers are read, so a large topic costs one pass and no registry call. Progress goes to
stderr (redrawn on a terminal, a line per step otherwise).
--group <group>  only the dead letter topics of that consumer group
--json           one JSON document: { "topics": [ ... ], "totals": { ... } }

${environment}`;

commandUsage['dlq show'] = `thalweg dlq show <dlq-topic> [filters] [--json]

Shows the dead letters chosen: where the event was first written (topic, partition, offset; for
a replay that failed again, the original), when and why it failed (group, attempts, error code
and message), how often it was replayed, what was done about it, its key, its headers, and its
value decoded through the registry with the writer's schema, or why it still does not decode.
A registry that cannot be reached stops the command (exit 1).

${deadLetterFilters}
--json                    one JSON document: { "topic": ..., "deadLetters": [ ... ] }

${environment}`;

commandUsage['dlq replay'] = `thalweg dlq replay <dlq-topic> (filters | --all) [--reason <text>] [--json]

Sends the chosen pending dead letters back to the consumer group that failed them, and to no
other: each goes to the group's retry topic <topic>.<group>.retry (derived and created by
\`thalweg topics apply\`), in the partition the event was first written to, with its key, value
and headers byte for byte plus thalweg_replay_* headers (the original topic, partition and
offset, the dead letter replayed, the replay count, who replayed it). The group's projector
reads its retry topics beside its topics; a replay that fails again becomes a new dead letter
on the same dead letter topic, pending, with the replay count raised.
Dead letters already replayed (their replay is on the retry topic) or discarded are skipped, so
running the same replay twice sends nothing the second time. Every replay is recorded on
thalweg.dlq-actions with who ran it. Fix the cause first (register the schema, deploy the fix):
a replay of an unchanged poison only fails again.
Nothing is sent (exit 1) when the retry topic is missing, or when the group's consumers are
running and none reads it (THALWEG_DLQ_RETRY_UNREAD: a processor takes no replays; a projector
started before its retry topic existed needs a restart).

${deadLetterFilters}
--all                     every pending dead letter of the topic
--reason <text>           why, recorded with the replay
--json                    one JSON document: { "replayed": [ ... ], "skipped": { ... } }

${environment}`;

commandUsage['dlq discard'] = `thalweg dlq discard <dlq-topic> (filters | --all) --reason <text> [--json]

Records that the chosen pending dead letters are not to be replayed: for each, an action on the
compacted topic thalweg.dlq-actions with the operator's Kafka principal, the operating-system
user, the time and the reason. They are then no longer pending for \`list\` and \`replay\`; the
records stay on the dead letter topic until its retention (30 days) removes them.

${deadLetterFilters}
--all                     every pending dead letter of the topic
--reason <text>           why (required)
--json                    one JSON document: { "discarded": [ ... ], "by": ..., "reason": ... }

${environment}`;

export const areaUsage: Record<string, string> = {
  dlq: `thalweg dlq <list|show|replay|discard> [options]\n\n${['dlq list', 'dlq show', 'dlq replay', 'dlq discard'].map((key) => commandUsage[key]!.split('\n')[0]).join('\n')}`,
  schemas: `thalweg schemas <check|register|generate> [options]\n\n${['schemas check', 'schemas register', 'schemas generate'].map((key) => commandUsage[key]!.split('\n')[0]).join('\n')}`,
  projections: `thalweg projections <list|status|rebuild|drop> [options]\n\n${['projections list', 'projections status', 'projections rebuild', 'projections drop'].map((key) => commandUsage[key]!.split('\n')[0]).join('\n')}`,
  topics: `thalweg topics <plan|apply> [options]\n\n${['topics plan', 'topics apply'].map((key) => commandUsage[key]!.split('\n')[0]).join('\n')}`,
};
