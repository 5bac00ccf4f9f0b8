import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { createPublisher } from '@thalweg/platform/events';
import { createSchemaRegistryClient } from '@thalweg/platform/registry';
import { loadSchemaCatalog, type CommandDecided } from '@thalweg/platform/schemas';
import { createTestConsumerGroup, createTestDatabase, onCleanup, startServiceProcess, testAdmin, testKafka, testStack, waitFor, type ServiceProcess } from '@thalweg/platform/testing';
import { loadTopicSpecs } from '@thalweg/platform/topics';
import { evolve } from './evolve.ts';
import type { LedgerEvent } from './ledger-commands.ts';
import type { WalletState } from './ledger-state.ts';
import { followTopic } from './testing/ledger-fixture.ts';

// The processor as deployed (its own process, principal, group, changelog and transactional ids on
// the stack's ledger topics), killed with SIGKILL several times while commands keep coming. Every
// restart restores its state from the changelog; whatever a killed instance had in flight is
// aborted or fenced. At rest the ledger must equal a pure model of the accepted commands.

const WALLETS = 8;
const SEED = 10_000;
const KILLS = 3;

interface Sent {
  commandId: string;
  type: 'credit' | 'debit' | 'transfer';
  walletId: string;
  destinationWalletId?: string;
  amountMinor: number;
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

test('SIGKILLed again and again under sustained commands, the ledger equals a pure model of the accepted commands', { timeout: 300_000 }, async (t) => {
  const kafka = testKafka();
  const registry = createSchemaRegistryClient({ url: testStack.registryUrl });
  const specs = loadTopicSpecs();
  const publisher = createPublisher({ kafka, registry, schemas: loadSchemaCatalog(), topics: specs, source: '/thalweg/test' });
  onCleanup(t, () => publisher.disconnect());
  const processorEnv = { THALWEG_KAFKA_BROKERS: testStack.brokers.join(','), THALWEG_REGISTRY_URL: testStack.registryUrl, THALWEG_LOG_LEVEL: 'warn', THALWEG_SESSION_TIMEOUT_MS: '6000' };
  // A restart waits for the group to let the killed instance go (its session, at most the rebalance timeout).
  const startProcessor = () => startServiceProcess(t, 'ledger-processor', processorEnv, { timeout: 150_000 });
  // The ledger read model, on a database and group of the test's own.
  const projectorGroup = await createTestConsumerGroup(t, await testAdmin(t, kafka), { prefix: 'projector-postgres-crash', topics: ['ledger.wallets.v1'] });
  const database = await createTestDatabase(t, 'crash');
  const outcomes = await followTopic(t, kafka, registry, 'ledger.command-outcomes.v1');
  const events = await followTopic(t, kafka, registry, 'ledger.wallets.v1');
  let processor: ServiceProcess = await startProcessor();
  await startServiceProcess(t, 'projector-postgres', { ...processorEnv, THALWEG_DATABASE_URL: database.url, THALWEG_CONSUMER_GROUP: projectorGroup });

  const tenantId = 'acme';
  const wallets: string[] = Array.from({ length: WALLETS }, () => crypto.randomUUID());
  const command = (type: string, subject: string, data: Record<string, unknown>) => publisher.publish({ type, subject, tenant: tenantId, data: { tenantId, requestedAt: new Date(), ...data } });
  for (const walletId of wallets) await command('thalweg.ledger.OpenWallet', walletId, { commandId: crypto.randomUUID(), walletId, ownerId: 'crash-test', currency: 'EUR' });
  const sent: Sent[] = [];
  const move = async (entry: Sent) => {
    sent.push(entry);
    const { commandId, walletId, amountMinor } = entry;
    if (entry.type === 'transfer') {
      await command('thalweg.ledger.RequestTransfer', walletId, { commandId, transferId: commandId, sourceWalletId: walletId, destinationWalletId: entry.destinationWalletId, amountMinor, currency: null, reference: 'crash transfer' });
    } else {
      await command(entry.type === 'credit' ? 'thalweg.ledger.CreditFunds' : 'thalweg.ledger.DebitFunds', walletId, { commandId, walletId, entryId: commandId, amountMinor, currency: null, reference: `crash ${entry.type}` });
    }
  };
  for (const walletId of wallets) await move({ commandId: crypto.randomUUID(), type: 'credit', walletId, amountMinor: SEED });

  // Sustained traffic, about 100 commands/s, from here until every kill is done: paced, since the
  // ledger topics are the stack's, and every later reader of them reads this run too.
  let sending = true;
  const traffic = (async () => {
    while (sending) {
      const batch = Array.from({ length: 10 }, (): Sent => {
        const walletId = pick(wallets);
        const type = pick(['credit', 'debit', 'debit', 'transfer', 'transfer'] as const);
        const entry: Sent = { commandId: crypto.randomUUID(), type, walletId, amountMinor: 1 + Math.floor(Math.random() * (type === 'credit' ? 500 : 2_500)) };
        if (type === 'transfer') entry.destinationWalletId = pick(wallets.filter((other) => other !== walletId));
        return entry;
      });
      await Promise.all([...batch.map(move), delay(100)]);
    }
  })();
  for (let kill = 0; kill < KILLS; kill += 1) {
    const decided = outcomes.length;
    await waitFor(() => outcomes.length >= decided + 50, { timeout: 60_000, description: 'the processor deciding' });
    const exited = once(processor.process, 'exit');
    processor.process.kill('SIGKILL');
    await exited;
    processor = await startProcessor();
  }
  sending = false;
  await traffic;

  const commandIds = new Set(sent.map((entry) => entry.commandId));
  const ours = () => outcomes.filter((entry) => commandIds.has(String(entry.data.commandId))).map((entry) => entry.data as unknown as CommandDecided);
  await waitFor(() => new Set(ours().map((outcome) => outcome.commandId)).size === commandIds.size, { timeout: 120_000, description: `outcomes of all ${commandIds.size} commands` });
  const decided = ours();
  assert.equal(decided.length, commandIds.size, 'no command has two outcomes');
  assert.ok(decided.some((outcome) => outcome.outcome === 'rejected') && decided.some((outcome) => outcome.outcome === 'accepted'), 'the run both accepted and refused');

  // The pure model: every accepted command's effect, applied with evolve.
  const accepted = new Set(decided.filter((outcome) => outcome.outcome === 'accepted').map((outcome) => outcome.commandId));
  const model = new Map<string, WalletState | undefined>(wallets.map((walletId) => [walletId, evolve(undefined, { type: 'thalweg.ledger.WalletOpened', data: { walletId, ownerId: 'crash-test', tenantId, currency: 'EUR', openedAt: new Date() } })]));
  const apply = (walletId: string, direction: 'credit' | 'debit', amountMinor: number) => {
    const data = { walletId, entryId: '', tenantId, amountMinor, currency: 'EUR', reference: '', transferId: null };
    const event: LedgerEvent = direction === 'credit' ? { type: 'thalweg.ledger.FundsCredited', data: { ...data, creditedAt: new Date() } } : { type: 'thalweg.ledger.FundsDebited', data: { ...data, debitedAt: new Date() } };
    model.set(walletId, evolve(model.get(walletId), event));
  };
  for (const entry of sent.filter(({ commandId }) => accepted.has(commandId))) {
    if (entry.type === 'transfer') {
      apply(entry.walletId, 'debit', entry.amountMinor);
      apply(entry.destinationWalletId!, 'credit', entry.amountMinor);
    } else {
      apply(entry.walletId, entry.type, entry.amountMinor);
    }
  }
  const expected = wallets.map((walletId) => ({ walletId, balance: model.get(walletId)!.balanceMinor, version: model.get(walletId)!.version }));
  assert.equal(expected.reduce((sum, wallet) => sum + wallet.balance, 0), sent.filter((entry) => accepted.has(entry.commandId) && entry.type !== 'transfer').reduce((sum, entry) => sum + (entry.type === 'credit' ? entry.amountMinor : -entry.amountMinor), 0), 'transfers move money, never make or lose it');

  // The log: each entry once, every transfer requested once and ended once, balances never below zero.
  const ofOurs = (event: { data: Record<string, unknown> }) => wallets.includes(String(event.data.walletId ?? event.data.sourceWalletId));
  const ledger = () => events.filter(ofOurs).map((event) => ({ type: event.type, data: event.data }) as unknown as LedgerEvent);
  const lastTransfer = sent.findLast((entry) => entry.type === 'transfer' && accepted.has(entry.commandId));
  await waitFor(() => ledger().some((event) => event.type === 'thalweg.ledger.TransferSettled' && event.data.transferId === lastTransfer?.commandId), { description: 'the last transfer settled on the log' });
  const entryIds = ledger().filter((event) => event.type === 'thalweg.ledger.FundsCredited' || event.type === 'thalweg.ledger.FundsDebited').map((event) => (event.data as { entryId: string }).entryId);
  assert.equal(new Set(entryIds).size, entryIds.length, 'no entry twice');
  const transfers = (type: string) => ledger().filter((event) => event.type === type).map((event) => (event.data as { transferId: string }).transferId).sort();
  assert.deepEqual(transfers('thalweg.ledger.TransferSettled'), transfers('thalweg.ledger.TransferRequested'), 'every transfer begun has settled, once: none half-applied at rest');
  const folded = new Map<string, WalletState | undefined>();
  for (const event of ledger()) {
    const walletId = String((event.data as { walletId?: string }).walletId ?? '');
    if (!walletId) continue;
    const next = evolve(folded.get(walletId), event);
    assert.ok(next && next.balanceMinor >= 0, `wallet ${walletId} never below zero`);
    folded.set(walletId, next);
  }
  assert.deepEqual(wallets.map((walletId) => ({ walletId, balance: folded.get(walletId)!.balanceMinor, version: folded.get(walletId)!.version })), expected, 'the log equals the model');

  // The ledger read model, once it has caught up with the log.
  const projected = async () => {
    const { rows } = await database.pool.query<{ wallet_id: string; balance_minor: string; version: string; entries: string }>(
      `SELECT w.wallet_id, w.balance_minor, w.version, (SELECT count(*) FROM wallet_entries e WHERE e.wallet_id = w.wallet_id) AS entries FROM wallets w WHERE w.wallet_id = ANY($1)`,
      [wallets],
    );
    const byId = new Map(rows.map((row) => [row.wallet_id, row]));
    return wallets.map((walletId) => ({ walletId, balance: Number(byId.get(walletId)?.balance_minor), version: Number(byId.get(walletId)?.version), entries: Number(byId.get(walletId)?.entries) }));
  };
  const withEntries = expected.map((wallet) => ({ ...wallet, entries: wallet.version - 1 }));
  await waitFor(async () => JSON.stringify(await projected()) === JSON.stringify(withEntries), { timeout: 60_000, description: 'the ledger projection equal to the model' });
});
