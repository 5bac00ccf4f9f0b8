import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { headerText } from '@thalweg/platform/events';
import { deadLetterHeaders } from '@thalweg/platform/projection';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { createProjectionFixture, createTestDatabase, onCleanup, readRecordAt, readTopic, testStack, waitFor } from '@thalweg/platform/testing';
import { createLedgerProjector } from '../../services/projector-postgres/src/ledger-projector.ts';
import { describeRun, runStackTool } from './stack-tool.ts';

// A producer outside Thalweg: Python's confluent-kafka with its AvroSerializer
// (tests/producers/python/produce.py), against the stack's SASL/SCRAM brokers and the registry's
// Confluent API, onto a topic of the test's own that the ledger projector reads.

const OPENED = 'thalweg.ledger.WalletOpened';
const CREDITED = 'thalweg.ledger.FundsCredited';
const DEBITED = 'thalweg.ledger.FundsDebited';

interface PythonEvent {
  type: string;
  subject: string;
  tenant: string | null;
  data: Record<string, unknown>;
}

interface Delivered {
  id: string;
  type: string;
  topic: string;
  partition: number;
  offset: number;
}

async function producePython(topic: string, events: PythonEvent[]): Promise<Delivered[]> {
  const sasl = testStack.kafkaSasl;
  const run = await runStackTool(
    [
      'python',
      'tests/producers/python/produce.py',
      '--topic',
      topic,
      '--brokers',
      testStack.brokers.join(','),
      '--registry',
      testStack.registryUrl,
      ...(sasl ? ['--username', sasl.username, '--password', sasl.password, '--mechanism', sasl.mechanism] : []),
    ],
    { input: events.map((event) => JSON.stringify(event)).join('\n') },
  );
  assert.equal(run.code, 0, `produce.py failed: ${describeRun(run)}`);
  const delivered = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Delivered);
  assert.equal(delivered.length, events.length, `one delivery report per event: ${describeRun(run)}`);
  return delivered;
}

test("Python's confluent-kafka publishes an event the ledger projector applies, and one with no tenant that is dead-lettered with the reason", async (t) => {
  const fixture = await createProjectionFixture(t, { prefix: 'python-producer', eventTypes: [OPENED, CREDITED, DEBITED] });
  const database = await createTestDatabase(t, 'python_producer');
  const tenant = 'acme';
  const walletId = randomUUID();
  const at = Date.parse('2026-01-01T00:00:00Z');
  const credit = (amountMinor: number, eventTenant: string | null, tenantId = tenant): PythonEvent => ({
    type: CREDITED,
    subject: walletId,
    tenant: eventTenant,
    data: { walletId, entryId: randomUUID(), tenantId, amountMinor, currency: 'EUR', reference: `py-${amountMinor}`, creditedAt: at, transferId: null },
  });
  const [opened, credited, noTenant, after] = await producePython(fixture.topic, [
    { type: OPENED, subject: walletId, tenant, data: { walletId, ownerId: 'owner-py', tenantId: tenant, currency: 'EUR', openedAt: at } },
    credit(500, tenant),
    // Neither the thalweg_tenant header nor a tenant in the payload: nothing says whose it is.
    credit(70, null, ''),
    credit(25, tenant),
  ]);

  // The wire format: magic byte 0, then the id Thalweg's own producer uses for the subject.
  const record = await readRecordAt(t, fixture.kafka, { topic: fixture.topic, partition: credited!.partition, offset: String(credited!.offset) });
  const expectedId = await fixture.registry.idFor(`${fixture.topic}-${CREDITED}`, loadSchemaCatalog().get(CREDITED).schema);
  assert.equal(record.value![0], 0, 'magic byte');
  assert.equal(record.value!.readUInt32BE(1), expectedId, 'the schema id registered under <topic>-<record full name>');
  assert.equal(record.key!.toString(), walletId, 'the key is the aggregate id');
  assert.equal(headerText(record.headers, 'ce_id'), credited!.id);
  assert.equal(headerText(record.headers, 'ce_specversion'), '1.0');
  assert.match(headerText(record.headers, 'ce_id')!, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv7');

  // Thalweg's producer puts the same wallet on the same partition (murmur2 of the key).
  const debited = await fixture.publisher.publish({
    type: DEBITED,
    subject: walletId,
    tenant,
    data: { walletId, entryId: randomUUID(), tenantId: tenant, amountMinor: 5, currency: 'EUR', reference: 'sdk-5', debitedAt: new Date(at), transferId: null },
  });
  assert.deepEqual(new Set([opened!, credited!, noTenant!, after!].map((event) => event.partition)), new Set([debited.partition]), 'one partition for the wallet, from Python and from Thalweg');

  const projector = await createLedgerProjector({ ...fixture.projectorOptions(), pool: database.pool });
  onCleanup(t, () => projector.stop());
  await projector.start();
  const wallet = async () => (await database.pool.query<{ balance_minor: string; version: string; tenant_id: string }>('SELECT balance_minor, version, tenant_id FROM wallets WHERE wallet_id = $1', [walletId])).rows[0];
  await waitFor(async () => (await wallet())?.version === '4', { description: 'the wallet opened, credited twice from Python and debited by the SDK' });
  assert.deepEqual(await wallet(), { balance_minor: '520', version: '4', tenant_id: tenant });
  const { rows: entries } = await database.pool.query<{ event_id: string; source_offset: string; amount_minor: string }>(
    'SELECT event_id, source_offset, amount_minor FROM wallet_entries WHERE wallet_id = $1 ORDER BY wallet_version',
    [walletId],
  );
  assert.deepEqual(
    entries,
    [
      { event_id: credited!.id, source_offset: String(credited!.offset), amount_minor: '500' },
      { event_id: after!.id, source_offset: String(after!.offset), amount_minor: '25' },
      { event_id: debited.eventId, source_offset: debited.offset, amount_minor: '5' },
    ],
    'the entries carry the ce_id the Python producer set, and the event with no tenant is not among them',
  );

  const [letter, ...others] = await readTopic(t, fixture.kafka, fixture.deadLetters, 1);
  assert.equal(others.length, 0, 'one dead letter');
  const header = (name: string) => headerText(letter!.headers, name);
  assert.equal(header(deadLetterHeaders.errorCode), 'THALWEG_EVENT_UNDECODABLE');
  assert.equal(header(deadLetterHeaders.errorMessage), 'tenant unknown: no thalweg_tenant header and no tenantId field');
  assert.equal(header(deadLetterHeaders.topic), fixture.topic);
  assert.equal(header(deadLetterHeaders.partition), String(noTenant!.partition));
  assert.equal(header(deadLetterHeaders.offset), String(noTenant!.offset));
  assert.equal(header(deadLetterHeaders.group), fixture.group);
  assert.equal(header('ce_id'), noTenant!.id, "the original headers travel with the dead letter");
  assert.equal(header('thalweg_tenant'), undefined);
  assert.equal(await fixture.deadLetterCount(), 1);
});
