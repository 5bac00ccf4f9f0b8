import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isThalwegError } from '../errors/index.ts';
import { parseTopicSpec } from './topic-spec.ts';
import { createTopicSpecs, loadTopicSpecs } from './topic-specs.ts';

const spec = (name: string, eventTypes: string[]) =>
  parseTopicSpec({ name, description: 'd', partitions: 1, replicationFactor: 1, eventTypes }, `/topics/${name}.yaml`);

const fails = (code: string, pattern: RegExp) => (error: unknown) => isThalwegError(error) && error.code === code && pattern.test(error.message);

test('the repository declares ledger.wallets.v1 with the contract values', () => {
  const specs = loadTopicSpecs();
  const wallets = specs.get('ledger.wallets.v1');
  assert.equal(wallets.partitions, 6);
  assert.equal(wallets.replicationFactor, 3);
  assert.deepEqual(wallets.configs, { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': '2', 'compression.type': 'producer' });
  assert.deepEqual(wallets.eventTypes, [
    'thalweg.ledger.WalletOpened',
    'thalweg.ledger.FundsCredited',
    'thalweg.ledger.FundsDebited',
    'thalweg.ledger.TransferRequested',
    'thalweg.ledger.TransferSettled',
    'thalweg.ledger.TransferRejected',
  ]);
  assert.equal(wallets.compatibility, 'FULL_TRANSITIVE');
  assert.deepEqual(wallets.producers, ['ledger-processor'], 'decided on the log: only the processor writes ledger events');
  assert.deepEqual(wallets.consumers, [{ group: 'projector-postgres' }, { group: 'projector-search' }]);
  assert.equal(specs.topicForEventType('thalweg.ledger.FundsDebited').name, 'ledger.wallets.v1');
});

test('the repository declares the ledger commands, decided by the stateful ledger-processor, and their outcomes', () => {
  const specs = loadTopicSpecs();
  const commands = specs.get('ledger.commands.v1');
  assert.deepEqual(commands.producers, ['command-api', 'ledger-processor']);
  assert.deepEqual(commands.consumers.map(({ group, stateful }) => ({ group, stateful })), [{ group: 'ledger-processor', stateful: true }]);
  assert.equal(specs.topicForEventType('thalweg.ledger.RequestTransfer').name, 'ledger.commands.v1');
  const outcomes = specs.get('ledger.command-outcomes.v1');
  assert.deepEqual(outcomes.eventTypes, ['thalweg.ledger.CommandDecided']);
  assert.deepEqual(outcomes.producers, ['ledger-processor']);
  assert.deepEqual(outcomes.consumers.map(({ group }) => group), ['command-api']);
});

test('the repository declares identity.users.v1 for the user events, read by the document and search projectors', () => {
  const users = loadTopicSpecs().get('identity.users.v1');
  assert.deepEqual(users.eventTypes, ['thalweg.identity.UserRegistered', 'thalweg.identity.ProfileUpdated', 'thalweg.identity.KycStatusChanged']);
  assert.deepEqual(users.producers, ['command-api']);
  assert.deepEqual(users.consumers, [{ group: 'projector-mongo' }, { group: 'projector-search' }]);
  assert.equal(users.compatibility, 'FULL_TRANSITIVE');
  assert.deepEqual(loadTopicSpecs().consumedBy('projector-search'), ['identity.users.v1', 'ledger.wallets.v1']);
  assert.deepEqual(loadTopicSpecs().consumedBy('nobody'), []);
});

test('an event type allowed on exactly one topic maps to it; on none it is THALWEG_TOPIC_EVENT_NOT_ALLOWED', () => {
  const specs = createTopicSpecs({ root: '/topics', specs: [spec('ledger.wallets.v1', ['a.WalletOpened']), spec('identity.users.v1', ['a.UserRegistered'])] });
  assert.equal(specs.topicForEventType('a.UserRegistered').name, 'identity.users.v1');
  assert.throws(() => specs.topicForEventType('a.Nope'), fails('THALWEG_TOPIC_EVENT_NOT_ALLOWED', /no topic allows event type a\.Nope/));
  assert.throws(() => specs.assertEventTypeAllowed('ledger.wallets.v1', 'a.UserRegistered'), fails('THALWEG_TOPIC_EVENT_NOT_ALLOWED', /not allowed on ledger\.wallets\.v1/));
  specs.assertEventTypeAllowed('ledger.wallets.v1', 'a.WalletOpened');
});

test('an unknown topic is THALWEG_TOPIC_UNKNOWN', () => {
  const specs = createTopicSpecs({ root: '/topics', specs: [spec('ledger.wallets.v1', ['a.B'])] });
  assert.throws(() => specs.get('ledger.nope.v1'), fails('THALWEG_TOPIC_UNKNOWN', /ledger\.nope\.v1/));
  assert.equal(specs.has('ledger.wallets.v1'), true);
});

test('an event type on two topics is refused, naming both', () => {
  assert.throws(
    () => createTopicSpecs({ root: '/topics', specs: [spec('ledger.wallets.v1', ['a.B']), spec('ledger.other.v1', ['a.B'])] }),
    fails('THALWEG_TOPIC_SPEC_INVALID', /eventTypes: a\.B is already allowed on ledger\.other\.v1/),
  );
});

test('a topic declared twice is refused', () => {
  assert.throws(
    () => createTopicSpecs({ root: '/topics', specs: [spec('ledger.wallets.v1', ['a.B']), spec('ledger.wallets.v1', ['a.C'])] }),
    fails('THALWEG_TOPIC_SPEC_INVALID', /name: ledger\.wallets\.v1 is already declared/),
  );
});
