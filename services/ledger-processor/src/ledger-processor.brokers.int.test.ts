import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processorReadiness } from '@thalweg/platform/processor';
import { startThreeBrokerStack, waitFor } from '@thalweg/platform/testing';
import { evolve } from './evolve.ts';
import type { LedgerEvent } from './ledger-commands.ts';
import type { WalletState } from './ledger-state.ts';
import { createLedgerFixture } from './testing/ledger-fixture.ts';

// Replication keeps what the processor committed: with RF 3 and min ISR 2, a broker lost in the
// middle of a run loses no accepted command, whichever leaders and coordinators it held.
test('BROKERS=3 with a broker killed mid-run: no accepted command is lost', { timeout: 400_000 }, async (t) => {
  const { kafka, stack } = await startThreeBrokerStack(t, { portOffset: 2_000 });
  const f = await createLedgerFixture(t, { kafka, partitions: 3 });
  const processor = await f.start();
  // A new cluster creates its offsets and transaction logs (RF 3) on first use: ready once restored.
  await waitFor(() => processorReadiness(processor).check().then(() => true), { timeout: 120_000, description: 'the processor ready' });
  const wallets: string[] = Array.from({ length: 6 }, () => crypto.randomUUID());
  for (const walletId of wallets) await f.commandsOf.open(walletId);
  const sent: Array<{ commandId: string; walletId: string; direction: 'credit' | 'debit'; amountMinor: number }> = [];
  const burst = async (count: number) => {
    for (let index = 0; index < count; index += 1) {
      const walletId = wallets[index % wallets.length]!;
      const direction = index % 3 === 2 ? 'debit' : 'credit';
      const amountMinor = 100 + index;
      const { commandId } = await f.commandsOf.move(direction, walletId, amountMinor);
      sent.push({ commandId, walletId, direction, amountMinor });
    }
  };
  await burst(60);
  // The readers' groups, like everything on a new cluster, may take a while to load the first time.
  await f.outcomesOf(sent.map((entry) => entry.commandId), { timeout: 120_000 });
  await stack('down', 'kafka-2');
  await burst(60);
  await f.outcomesOf(sent.map((entry) => entry.commandId), { timeout: 120_000 });
  await stack('up', 'kafka-2');
  await burst(30);
  const outcomes = await f.outcomesOf(sent.map((entry) => entry.commandId), { timeout: 120_000 });
  assert.equal(outcomes.length, sent.length, 'one outcome per command');

  const accepted = new Set(outcomes.filter((outcome) => outcome.outcome === 'accepted').map((outcome) => outcome.commandId));
  const model = new Map<string, number>(wallets.map((walletId) => [walletId, 0]));
  for (const { commandId, walletId, direction, amountMinor } of sent) {
    if (accepted.has(commandId)) model.set(walletId, model.get(walletId)! + (direction === 'credit' ? amountMinor : -amountMinor));
  }
  const folded = () => {
    const state = new Map<string, WalletState | undefined>();
    for (const event of f.ledgerEvents()) {
      const walletId = (event.data as { walletId?: string }).walletId;
      if (walletId && wallets.includes(walletId)) state.set(walletId, evolve(state.get(walletId), event as LedgerEvent));
    }
    return wallets.map((walletId) => state.get(walletId)?.balanceMinor);
  };
  await waitFor(() => JSON.stringify(folded()) === JSON.stringify(wallets.map((walletId) => model.get(walletId))), { timeout: 60_000, description: 'every accepted command on the log' });
  const positions = outcomes.flatMap((outcome) => outcome.positions).length;
  assert.equal(positions, accepted.size, 'one event per accepted movement');
});
