import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createConsistencyTokens } from './consistency-token.ts';
import { fromHeaders, toHeaders, type EventMetadata } from './cloud-event-headers.ts';
import { isTraceparent, newTraceparent } from './trace-context.ts';
import { uuidv7 } from './uuid-v7.ts';

test('uuidv7 has version 7, the RFC variant, and sorts by time', () => {
  const first = uuidv7(1_700_000_000_000);
  const second = uuidv7(1_700_000_000_001);
  assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(first < second);
  assert.equal(parseInt(first.replaceAll('-', '').slice(0, 12), 16), 1_700_000_000_000);
});

test('CloudEvents headers follow the Kafka binary binding and read back', () => {
  const metadata: EventMetadata = {
    id: uuidv7(),
    type: 'thalweg.ledger.WalletOpened',
    source: '/thalweg/command-api',
    subject: 'wallet-1',
    time: new Date('2026-01-02T03:04:05.678Z'),
    tenant: 'acme',
    correlationId: 'c-1',
    causationId: 'k-1',
    traceparent: newTraceparent(),
  };
  const headers = toHeaders(metadata);
  assert.equal(headers.ce_specversion, '1.0');
  assert.equal(headers['content-type'], 'application/avro');
  assert.equal(headers.ce_time, '2026-01-02T03:04:05.678Z');
  assert.equal(headers.thalweg_tenant, 'acme');
  const asDelivered = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, Buffer.from(String(value))]));
  assert.deepEqual(fromHeaders(asDelivered).metadata, metadata);
});

test('missing required headers are reported by name', () => {
  const { missing } = fromHeaders({ ce_id: Buffer.from('x') });
  assert.ok(missing.includes('ce_type'));
  assert.ok(missing.includes('thalweg_tenant'));
});

test('traceparent validation', () => {
  assert.ok(isTraceparent(newTraceparent()));
  assert.ok(!isTraceparent('00-00000000000000000000000000000000-0000000000000000-01'));
  assert.ok(!isTraceparent('garbage'));
});

const KEY = 'k'.repeat(32);
const tokens = createConsistencyTokens({ key: KEY });
/** What a holder of the key could sign: payloads the decoder must still refuse. */
const signedWith = (key: string, payload: string) => `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
const invalidToken = (error: Error & { code?: string }) => error.code === 'THALWEG_CONSISTENCY_TOKEN_INVALID';

test('consistency tokens round-trip, and a payload that is not one is refused even when signed', () => {
  const position = { topic: 'ledger.wallets.v1', partition: 3, offset: '12345' };
  assert.deepEqual(tokens.decode(tokens.position(position)), { positions: [position] });
  const largest = { topic: 't', partition: 2_147_483_647, offset: '9223372036854775807' };
  assert.deepEqual(tokens.decode(tokens.position(largest)), { positions: [largest] });
  const payloads = ['ct1.', 'ct1.!!!', 'ct2.' + Buffer.from('[]').toString('base64url'), 'ct1.' + Buffer.from('["t",-1,"1"]').toString('base64url'), 'ct1.' + Buffer.from('["t",1,"x"]').toString('base64url'), 'ct1.' + Buffer.from('["t",1e21,"1"]').toString('base64url'), 'ct1.' + Buffer.from('["t",2147483648,"1"]').toString('base64url'), 'ct1.' + Buffer.from('["t",1,"9223372036854775808"]').toString('base64url'), 'ct2.' + Buffer.from('{"p":[]}').toString('base64url'), 'ct2.' + Buffer.from('{"p":[["t",1,"1"]],"c":"not-a-uuid"}').toString('base64url'), 'ct2.' + Buffer.from('{"p":[["t",1,"1"]],"x":1}').toString('base64url'), 'ct2.' + Buffer.from(JSON.stringify({ p: Array.from({ length: 17 }, () => ['t', 1, '1']) })).toString('base64url'), 'xx1.' + Buffer.from('["t",1,"1"]').toString('base64url')];
  for (const payload of payloads) assert.throws(() => tokens.decode(signedWith(KEY, payload)), invalidToken, payload);
  for (const bad of ['', 'ct1.', 'ct1.abc', '.', 'x'.repeat(3_000)]) assert.throws(() => tokens.decode(bad), invalidToken, bad);
});

test('a forged or altered token is refused: unsigned, signed with another key, or its payload changed', () => {
  const genuine = tokens.position({ topic: 'ledger.wallets.v1', partition: 0, offset: '4' });
  const [payload, signature] = [genuine.slice(0, genuine.lastIndexOf('.')), genuine.slice(genuine.lastIndexOf('.') + 1)];
  const huge = 'ct1.' + Buffer.from(JSON.stringify(['ledger.wallets.v1', 0, '9223372036854775807'])).toString('base64url');
  for (const forged of [payload, `${huge}.${signature}`, signedWith('f'.repeat(32), huge), `${payload}.${signature.slice(0, -2)}`, `${payload}x.${signature}`]) {
    assert.throws(() => tokens.decode(forged), invalidToken, forged);
  }
});

test('a rotation signs with the new key and accepts the previous one while it is named', () => {
  const previous = createConsistencyTokens({ key: 'p'.repeat(32) });
  const rotated = createConsistencyTokens({ key: 'n'.repeat(32), previousKey: 'p'.repeat(32) });
  const position = { topic: 'ledger.wallets.v1', partition: 1, offset: '7' };
  assert.deepEqual(rotated.decode(previous.position(position)), { positions: [position] }, 'a token signed before the rotation');
  assert.throws(() => previous.decode(rotated.position(position)), invalidToken, 'the new key signs');
  assert.throws(() => createConsistencyTokens({ key: 'n'.repeat(32) }).decode(previous.position(position)), invalidToken, 'once the previous key is dropped');
  assert.throws(() => createConsistencyTokens({ key: 'short' }), { code: 'THALWEG_CONFIG_INVALID' });
  assert.throws(() => createConsistencyTokens({ key: 'n'.repeat(32), previousKey: 'short' }), { code: 'THALWEG_CONFIG_INVALID' });
});

test('a read token names every position; a command token names the command and where it sits', () => {
  const positions = [{ topic: 'ledger.wallets.v1', partition: 0, offset: '4' }, { topic: 'ledger.wallets.v1', partition: 5, offset: '9' }];
  assert.deepEqual(tokens.decode(tokens.read(positions)), { positions });
  assert.match(tokens.read(positions.slice(0, 1)), /^ct1\./, 'one position keeps the first form');
  const commandId = '0190f5a4-1c2b-7def-8abc-0123456789ab';
  assert.deepEqual(tokens.decode(tokens.command(commandId, positions[0]!)), { positions: positions.slice(0, 1), commandId });
});
