import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type Kafka, type LogEntry } from 'kafkajs';
import { applyPlan, deadLetterTopicName, parseTopicSpec, planTopics } from '../topics/index.ts';
import { createTestTopic, deleteTopicsAtEnd, devKafkaSasl, onCleanup, revokeAclsAtEnd, testAdmin, testKafka, testStack, uniqueName, waitFor } from '../testing/index.ts';
import { createKafka } from './client.ts';
import { kafkaErrorType } from './kafka-error-type.ts';

// The brokers themselves refuse what the topic specs do not grant: a client must authenticate,
// and a service principal gets exactly the ACLs `topics apply` derives from its spec.

const { logLevel } = kafkajs;
const noRetry = { retry: { retries: 0, initialRetryTime: 100 } };

/** A test topic produced by command-api and consumed by projector-postgres, with the ACLs apply gives it. */
async function applyTestSpec(t: TestContext) {
  const topic = `${uniqueName('authz', '')}.wallets.v1`;
  const admin = await testAdmin(t);
  const dlq = deadLetterTopicName(topic, 'projector-postgres');
  deleteTopicsAtEnd(t, admin, [topic, dlq]);
  const spec = parseTopicSpec(
    {
      name: topic,
      description: 'Authorization test.',
      partitions: 1,
      replicationFactor: 1,
      eventTypes: ['thalweg.ledger.WalletOpened'],
      producers: ['command-api'],
      consumers: [{ group: 'projector-postgres' }],
    },
    `${topic}.yaml`,
  );
  const result = await applyPlan({ admin, plan: await planTopics({ admin, specs: [spec] }) });
  // Only what this test granted: the group prefix may be the real specs' as well.
  revokeAclsAtEnd(t, admin, result.acls.filter((change) => change.kind === 'grant').map((change) => change.binding));
  return { admin, topic, dlq };
}

async function producerAs(t: TestContext, kafka: Kafka) {
  // Idempotent, as the publisher is: it needs WRITE on some topic, which its topic's ACL gives.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 2, initialRetryTime: 100 } });
  onCleanup(t, () => producer.disconnect());
  await producer.connect();
  return producer;
}

test('a client without SASL credentials is refused by the broker', async (t) => {
  assert.ok(testStack.kafkaSasl, 'the stack requires SASL (stack.env sets THALWEG_KAFKA_USERNAME)');
  const admin = createKafka({ brokers: testStack.brokers, clientId: uniqueName('anonymous'), overrides: { ...noRetry, connectionTimeout: 2_000 } }).admin();
  onCleanup(t, () => admin.disconnect());
  // A SASL listener hangs up on a client that sends requests without authenticating first.
  await assert.rejects(
    async () => {
      await admin.connect();
      await admin.listTopics();
    },
    (error: Error) => /KafkaJSConnectionClosedError|Closed connection/.test(`${error.name} ${error.message} ${String((error as { cause?: unknown }).cause)}`),
  );
  // The same broker answers the operator: the refusal is about identity, not reachability.
  const operator = await testAdmin(t);
  assert.ok(Array.isArray(await operator.listTopics()));
});

test('a client with a wrong password is refused by the broker', async (t) => {
  const kafka = createKafka({ brokers: testStack.brokers, clientId: uniqueName('impostor'), sasl: { ...devKafkaSasl('command-api'), password: 'not-the-password' }, overrides: noRetry });
  const admin = kafka.admin();
  onCleanup(t, () => admin.disconnect());
  await assert.rejects(admin.connect(), (error: Error) => error.name === 'KafkaJSSASLAuthenticationError' || /SASL|[Aa]uthentication/.test(error.message));
});

test('command-api writes to the topic its spec grants it and is refused on any other', async (t) => {
  const { admin, topic, dlq } = await applyTestSpec(t);
  const unowned = await createTestTopic(t, admin, { prefix: 'authz-unowned', partitions: 1 });
  const producer = await producerAs(t, testKafka(uniqueName('command-api'), { sasl: devKafkaSasl('command-api') }));

  const [written] = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'granted' }] });
  assert.equal(written!.errorCode, 0);
  for (const target of [unowned, dlq]) {
    const error = await producer.send({ topic: target, acks: -1, messages: [{ key: 'k', value: 'not granted' }] }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    assert.equal(kafkaErrorType(error), 'TOPIC_AUTHORIZATION_FAILED', `writing to ${target}: ${String(error)}`);
  }
});

test('projector-postgres reads its topic with a group of its prefix, writes its dead letters, and is refused any other group', async (t) => {
  const { admin, topic, dlq } = await applyTestSpec(t);
  const producer = await producerAs(t, testKafka());
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'for the projector' }] });
  const projector = testKafka(uniqueName('projector-postgres'), { sasl: devKafkaSasl('projector-postgres') });

  const group = uniqueName('projector-postgres');
  onCleanup(t, () => admin.deleteGroups([group]).catch(() => {}));
  const consumer = projector.consumer({ groupId: group, allowAutoTopicCreation: false });
  onCleanup(t, () => consumer.disconnect());
  const received: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
  await waitFor(() => received.includes('for the projector'), { description: 'the projector principal reads its topic' });

  const deadLetters = await producerAs(t, projector);
  const [dead] = await deadLetters.send({ topic: dlq, acks: -1, messages: [{ key: 'k', value: 'dead letter' }] });
  assert.equal(dead!.errorCode, 0);

  // KafkaJS reports a refused coordinator lookup as "coordinator not found" and keeps the broker's
  // reason in its debug log, so the outsider's client records what the broker answered.
  const answers: string[] = [];
  const recordAnswers = () => ({ log }: LogEntry) => {
    const type = kafkaErrorType((log as { error?: unknown }).error);
    if (type) answers.push(type);
  };
  const outsiderKafka = createKafka({
    brokers: testStack.brokers,
    clientId: uniqueName('projector-postgres'),
    sasl: devKafkaSasl('projector-postgres'),
    overrides: { logLevel: logLevel.DEBUG, logCreator: recordAnswers },
  });
  const outsider = outsiderKafka.consumer({ groupId: uniqueName('outside-prefix'), allowAutoTopicCreation: false, retry: { retries: 0, restartOnFailure: async () => false } });
  onCleanup(t, () => outsider.disconnect());
  let crash: unknown;
  outsider.on(outsider.events.CRASH, (event) => void (crash = event.payload.error));
  const refused = await (async () => {
    await outsider.connect();
    await outsider.subscribe({ topic, fromBeginning: true });
    await outsider.run({ eachMessage: async () => {} });
    return waitFor(() => crash, { timeout: 20_000, description: 'the consumer outside the prefix is refused' });
  })().catch((error: unknown) => error);
  assert.ok(refused instanceof Error, `the group outside the prefix fails: ${String(refused)}`);
  assert.ok(answers.includes('GROUP_AUTHORIZATION_FAILED'), `the broker refused the group (answers: ${answers.join(', ')}; error: ${String(refused)})`);
});
