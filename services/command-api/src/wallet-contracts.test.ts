import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPayload } from '@thalweg/platform/events';
import { loadSchemaCatalog } from '@thalweg/platform/schemas';
import { walletContracts } from './wallet-routes.ts';

test("the largest amount a credit's contract takes is one the command's Avro schema encodes, and no more", () => {
  const maximum = (walletContracts.creditWallet.body.properties.amountMinor as unknown as { maximum: number }).maximum;
  const { type } = loadSchemaCatalog().get('thalweg.ledger.CreditFunds');
  const command = (amountMinor: number) => ({
    commandId: crypto.randomUUID(),
    walletId: crypto.randomUUID(),
    entryId: crypto.randomUUID(),
    tenantId: 'acme',
    amountMinor,
    currency: null,
    reference: 'r',
    requestedAt: new Date(),
  });
  assert.deepEqual(checkPayload(type, command(maximum)), [], 'the contract maximum encodes');
  assert.match(checkPayload(type, command(maximum + 1))[0]?.message ?? '', /expected long/, 'one more would be accepted by the route and refused by the encoder');
});
