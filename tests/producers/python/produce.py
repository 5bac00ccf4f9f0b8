"""Publishes Thalweg events from Python with confluent-kafka, as a producer outside Thalweg would.

The value is Avro in the Confluent wire format, written by confluent-kafka's AvroSerializer with
the subject Thalweg uses (TopicRecordNameStrategy: `<topic>-<record full name>`). The serializer
registers nothing: it looks its schema (the file under schemas/) up under that subject, normalized,
and writes the id the registry answers, so a schema that differs from every version registered
there fails here, before anything is sent. The metadata goes in the CloudEvents headers of docs/architecture.md; the key
is the aggregate id, partitioned with murmur2 as Thalweg's own producer and Java's do.

Events come on standard input, one JSON object a line:
  {"type": "thalweg.ledger.FundsCredited", "subject": "<aggregate id>", "tenant": "acme", "data": {...}}
"tenant": null sends the event without a thalweg_tenant header. Timestamps in "data" are
milliseconds since the epoch. Each delivered event is printed as one JSON line:
  {"id": "<ce_id>", "type": ..., "topic": ..., "partition": 0, "offset": 12}

Run it with the stack's Python tool environment:
  compose/native/stack.sh run python tests/producers/python/produce.py --topic ledger.wallets.v1 < events.jsonl
"""

import argparse
import json
import os
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient, topic_record_subject_name_strategy
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

REPO_ROOT = Path(__file__).resolve().parents[3]


def uuid7() -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by time."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def traceparent() -> str:
    """A W3C traceparent starting a new trace (sampled)."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def schema_files(schemas_dir: Path) -> dict:
    """The Avro schemas as code, by record full name (`<namespace>.<name>`)."""
    found = {}
    for path in sorted(schemas_dir.glob("*/*.avsc")):
        text = path.read_text(encoding="utf-8")
        schema = json.loads(text)
        found[f"{schema['namespace']}.{schema['name']}"] = text
    return found


def cloud_event_headers(event_id: str, event_type: str, source: str, subject: str, tenant):
    """The CloudEvents Kafka binding (binary mode) plus Thalweg's own headers."""
    headers = [
        ("ce_specversion", "1.0"),
        ("ce_id", event_id),
        ("ce_type", event_type),
        ("ce_source", source),
        ("ce_time", datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")),
        ("ce_subject", subject),
        ("content-type", "application/avro"),
        ("traceparent", traceparent()),
        ("thalweg_correlation_id", event_id),
    ]
    if tenant is not None:
        headers.append(("thalweg_tenant", tenant))
    return [(name, value.encode("utf-8")) for name, value in headers]


def producer_config(args) -> dict:
    config = {
        "bootstrap.servers": args.brokers,
        "client.id": "thalweg-python-producer",
        "enable.idempotence": True,
        "acks": "all",
        # Java's and Thalweg's partitioner: the same key lands on the same partition from any of them.
        "partitioner": "murmur2_random",
    }
    if args.username:
        config.update({
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanisms": args.mechanism.upper(),
            "sasl.username": args.username,
            "sasl.password": args.password,
        })
    return config


def parse_args(argv):
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topic", required=True)
    parser.add_argument("--brokers", default=env.get("THALWEG_KAFKA_BROKERS", "127.0.0.1:9092"))
    parser.add_argument("--username", default=env.get("THALWEG_KAFKA_USERNAME", ""), help="SASL user; none for a plaintext listener")
    parser.add_argument("--password", default=env.get("THALWEG_KAFKA_PASSWORD", ""))
    parser.add_argument("--mechanism", default=env.get("THALWEG_KAFKA_SASL_MECHANISM", "scram-sha-512"))
    parser.add_argument("--registry", default=env.get("THALWEG_REGISTRY_URL", "http://127.0.0.1:8085/apis/ccompat/v7"), help="the registry's Confluent API")
    parser.add_argument("--source", default="/examples/python-producer", help="ce_source of every event")
    parser.add_argument("--schemas", type=Path, default=REPO_ROOT / "schemas")
    return parser.parse_args(argv)


def main(argv) -> int:
    args = parse_args(argv)
    schemas = schema_files(args.schemas)
    registry = SchemaRegistryClient({"url": args.registry})
    serializers = {}

    def serializer(event_type: str) -> AvroSerializer:
        if event_type not in serializers:
            if event_type not in schemas:
                raise SystemExit(f"no schema for {event_type} under {args.schemas}")
            serializers[event_type] = AvroSerializer(
                registry,
                schemas[event_type],
                conf={
                    "auto.register.schemas": False,
                    "use.latest.version": False,
                    # The registry compares canonical forms: the file's layout need not be the registered text's.
                    "normalize.schemas": True,
                    "subject.name.strategy": topic_record_subject_name_strategy,
                },
            )
        return serializers[event_type]

    producer = Producer(producer_config(args))
    failures = []

    def delivered(event_id, event_type):
        def report(error, message):
            if error is not None:
                failures.append(f"{event_type} {event_id}: {error}")
                return
            print(json.dumps({"id": event_id, "type": event_type, "topic": message.topic(), "partition": message.partition(), "offset": message.offset()}), flush=True)
        return report

    for line in sys.stdin:
        if not line.strip():
            continue
        event = json.loads(line)
        event_id = uuid7()
        value = serializer(event["type"])(event["data"], SerializationContext(args.topic, MessageField.VALUE))
        producer.produce(
            args.topic,
            key=event["subject"].encode("utf-8"),
            value=value,
            headers=cloud_event_headers(event_id, event["type"], args.source, event["subject"], event.get("tenant")),
            on_delivery=delivered(event_id, event["type"]),
        )
        producer.poll(0)  # serves the delivery reports of the events sent so far
    remaining = producer.flush(30)
    if remaining:
        failures.append(f"{remaining} events not delivered within 30 s")
    for failure in failures:
        print(f"produce.py: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
