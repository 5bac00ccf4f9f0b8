import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { asyncApiDocument } from './asyncapi-document.ts';
import { validateAsyncApi } from './validate-asyncapi.ts';

const generated = asyncApiDocument({ specs: loadTopicSpecs(), catalog: loadSchemaCatalog(), version: '0.0.0' });
const errorsOf = async (document: object) => (await validateAsyncApi(document as Record<string, unknown>)).filter((problem) => problem.severity === 'error');
/** A copy of the generated document with one thing broken. */
function broken(change: (document: any) => void): object {
  const copy = structuredClone(generated);
  change(copy);
  return copy;
}

test('the generated document passes the AsyncAPI parser with no error and no warning', async () => {
  const problems = await validateAsyncApi(generated);
  assert.deepEqual(
    problems.filter((problem) => problem.severity === 'error' || problem.severity === 'warning'),
    [],
  );
});

test('the parser refuses an operation on a channel the document does not have', async () => {
  const errors = await errorsOf(
    broken((document) => {
      const [first] = Object.values(document.operations) as any[];
      first.channel = { $ref: '#/channels/no.such.v1' };
    }),
  );
  assert.ok(errors.length > 0);
  assert.ok(errors.some((problem) => problem.path.startsWith('operations.')), JSON.stringify(errors));
});

test('the parser refuses a Kafka binding the bindings schema does not allow', async () => {
  const errors = await errorsOf(
    broken((document) => {
      document.channels['ledger.wallets.v1'].bindings.kafka.partitions = 0;
    }),
  );
  assert.ok(errors.some((problem) => problem.path.startsWith('channels.ledger.wallets.v1.bindings.kafka')), JSON.stringify(errors));
});

test('an Avro payload that is not an Avro schema is an error', async () => {
  const errors = await errorsOf(
    broken((document) => {
      document.components.messages['thalweg.ledger.FundsCredited'].payload.schema = { type: 'record', name: 'FundsCredited', fields: [{ name: 'x', type: 'no-such-type' }] };
    }),
  );
  assert.ok(errors.some((problem) => problem.path.startsWith('components.messages.thalweg.ledger.FundsCredited.payload.schema')), JSON.stringify(errors));
});
