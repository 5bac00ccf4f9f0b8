import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isThalwegError, type ThalwegError } from '../errors/index.ts';
import { parseTopicSpec } from './topic-spec.ts';

const valid = () => ({
  name: 'ledger.wallets.v1',
  description: 'Wallet lifecycle.',
  partitions: 6,
  replicationFactor: 3,
  configs: { 'cleanup.policy': 'delete', 'retention.ms': -1, 'min.insync.replicas': 2, 'compression.type': 'producer' },
  eventTypes: ['thalweg.ledger.WalletOpened'],
  compatibility: 'FULL_TRANSITIVE',
  producers: ['command-api'],
  consumers: [{ group: 'projector-postgres' }],
});

function problemsOf(raw: unknown): ThalwegError {
  try {
    parseTopicSpec(raw, 'topics/ledger.wallets.v1.yaml');
  } catch (error) {
    if (isThalwegError(error)) return error;
    throw error;
  }
  assert.fail('expected the spec to be refused');
}

test('a valid spec parses, with configs as Kafka stores them', () => {
  const spec = parseTopicSpec(valid(), 'f.yaml');
  assert.equal(spec.name, 'ledger.wallets.v1');
  assert.deepEqual(spec.configs, { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2', 'compression.type': 'producer' });
  assert.deepEqual(spec.consumers, [{ group: 'projector-postgres' }]);
  assert.equal(spec.compatibility, 'FULL_TRANSITIVE');
  assert.equal(spec.file, 'f.yaml');
});

test('compatibility defaults to FULL_TRANSITIVE', () => {
  const { compatibility: _omitted, ...raw } = valid();
  assert.equal(parseTopicSpec(raw, 'f.yaml').compatibility, 'FULL_TRANSITIVE');
});

test('errors are THALWEG_TOPIC_SPEC_INVALID naming the file and the field', () => {
  const error = problemsOf({ ...valid(), partitions: 0 });
  assert.equal(error.code, 'THALWEG_TOPIC_SPEC_INVALID');
  assert.match(error.message, /^topics\/ledger\.wallets\.v1\.yaml: partitions: expected an integer of at least 1, got 0$/);
  assert.deepEqual(error.details, { file: 'topics/ledger.wallets.v1.yaml' });
});

test('every problem is collected in fields', () => {
  const error = problemsOf({ ...valid(), name: 'Wallets', replicationFactor: 'three', retention: 5 });
  assert.deepEqual(error.fields.map((field) => field.field).sort(), ['name', 'replicationFactor', 'retention']);
  assert.match(error.message, /and 2 more/);
});

const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a name not <domain>.<aggregate>.v<N>', { name: 'wallets' }, /name: expected <domain>\.<aggregate>\.v<N>/],
  ['a missing description', { description: ' ' }, /description: is required/],
  ['an unknown config key', { configs: { 'retention.msec': 1 } }, /configs\.retention\.msec: is not a topic config/],
  ['a non-integer retention', { configs: { 'retention.ms': '7d' } }, /configs\.retention\.ms: expected an integer/],
  ['an unknown cleanup policy', { configs: { 'cleanup.policy': 'archive' } }, /configs\.cleanup\.policy: expected delete, compact/],
  ['an unknown compression', { configs: { 'compression.type': 'brotli' } }, /configs\.compression\.type: expected one of/],
  ['min ISR above the replication factor', { replicationFactor: 1, configs: { 'min.insync.replicas': 2 } }, /configs\.min\.insync\.replicas: 2 is more than the replication factor 1/],
  ['no event types', { eventTypes: [] }, /eventTypes: lists no event type/],
  ['an event type that is not a full name', { eventTypes: ['WalletOpened'] }, /eventTypes\[0\]: expected an Avro record full name/],
  ['a duplicated event type', { eventTypes: ['a.B', 'a.B'] }, /eventTypes\[1\]: a\.B is listed twice/],
  ['an unknown compatibility level', { compatibility: 'LOOSE' }, /compatibility: expected one of NONE, BACKWARD/],
  ['a looser level without a reason', { compatibility: 'BACKWARD' }, /compatibilityReason: is required when compatibility is looser than FULL_TRANSITIVE/],
  ['a consumer without a group', { consumers: [{ name: 'x' }] }, /consumers\[0\]\.name: unknown key \(known: group, description, stateful\)/],
  ['a stateful flag that is not a boolean', { consumers: [{ group: 'ledger-processor', stateful: 'yes' }] }, /consumers\[0\]\.stateful: expected true or false, got "yes"/],
  ['a duplicated consumer group', { consumers: [{ group: 'a' }, { group: 'a' }] }, /consumers\[1\]\.group: a is listed twice/],
  ['a producer that is not a service name', { producers: ['Command API'] }, /producers\[0\]: expected a service name/],
];

for (const [what, override, pattern] of cases) {
  test(`refuses ${what}`, () => {
    const raw = { ...valid(), ...override };
    assert.match(problemsOf(raw).message, pattern);
  });
}

test('a looser level with a reason is accepted', () => {
  const spec = parseTopicSpec({ ...valid(), compatibility: 'BACKWARD', compatibilityReason: 'consumers upgrade first' }, 'f.yaml');
  assert.equal(spec.compatibility, 'BACKWARD');
  assert.equal(spec.compatibilityReason, 'consumers upgrade first');
});

test('a document that is not a mapping is refused', () => {
  assert.match(problemsOf('just text').message, /\(document\): expected a mapping/);
});

test('a stateful group is kept as stateful; false or absent leaves the consumer as it was', () => {
  const consumers = [{ group: 'ledger-processor', stateful: true }, { group: 'projector-postgres', stateful: false }, { group: 'projector-search', description: 'Search index.' }];
  const spec = parseTopicSpec({ ...valid(), consumers }, 'f.yaml');
  assert.deepEqual(spec.consumers, [{ group: 'ledger-processor', stateful: true }, { group: 'projector-postgres' }, { group: 'projector-search', description: 'Search index.' }]);
  assert.equal('stateful' in spec.consumers[1]!, false, 'no stateful: false key, so specs compare equal with and without it');
});
