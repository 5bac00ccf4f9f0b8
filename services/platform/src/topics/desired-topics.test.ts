import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredTopics } from './desired-topics.ts';
import { parseTopicSpec } from './topic-spec.ts';
import { loadTopicSpecs } from './topic-specs.ts';

test('the repository topics derive a dead letter and a retry topic per consumer group and a changelog per stateful one', () => {
  assert.deepEqual(
    desiredTopics(loadTopicSpecs().all()).map((topic) => topic.name),
    [
      'identity.users.v1',
      'identity.users.v1.projector-mongo.dlq',
      'identity.users.v1.projector-search.dlq',
      'identity.users.v1.projector-mongo.retry',
      'identity.users.v1.projector-search.retry',
      'ledger.command-outcomes.v1',
      'ledger.command-outcomes.v1.command-api.dlq',
      'ledger.command-outcomes.v1.command-api.retry',
      'ledger.commands.v1',
      'ledger.commands.v1.ledger-processor.dlq',
      'ledger.commands.v1.ledger-processor.retry',
      'ledger.commands.v1.ledger-processor.changelog',
      'ledger.wallets.v1',
      'ledger.wallets.v1.projector-postgres.dlq',
      'ledger.wallets.v1.projector-search.dlq',
      'ledger.wallets.v1.projector-postgres.retry',
      'ledger.wallets.v1.projector-search.retry',
    ],
  );
});

test('each topic is followed by its dead letter topics, its retry topics, then the changelog topics of its stateful groups', () => {
  const spec = (name: string) =>
    parseTopicSpec(
      {
        name,
        description: 'Order test.',
        partitions: 3,
        replicationFactor: 1,
        eventTypes: [`thalweg.${name.split('.')[0]}.Happened`],
        consumers: [{ group: 'ledger-processor', stateful: true }, { group: 'projector-postgres' }],
      },
      `${name}.yaml`,
    );
  const topics = desiredTopics([spec('ledger.wallets.v1'), spec('identity.users.v1')]);
  assert.deepEqual(
    topics.map((topic) => topic.name),
    [
      'ledger.wallets.v1',
      'ledger.wallets.v1.ledger-processor.dlq',
      'ledger.wallets.v1.projector-postgres.dlq',
      'ledger.wallets.v1.ledger-processor.retry',
      'ledger.wallets.v1.projector-postgres.retry',
      'ledger.wallets.v1.ledger-processor.changelog',
      'identity.users.v1',
      'identity.users.v1.ledger-processor.dlq',
      'identity.users.v1.projector-postgres.dlq',
      'identity.users.v1.ledger-processor.retry',
      'identity.users.v1.projector-postgres.retry',
      'identity.users.v1.ledger-processor.changelog',
    ],
  );
  assert.deepEqual(topics[3]?.retryOf, { topic: 'ledger.wallets.v1', group: 'ledger-processor' });
  assert.deepEqual(topics[5]?.changelogOf, { topic: 'ledger.wallets.v1', group: 'ledger-processor' });
  assert.equal(topics[0]?.changelogOf, undefined);
});
