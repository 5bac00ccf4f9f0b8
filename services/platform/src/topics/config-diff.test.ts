import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destructiveReason, diffConfigs } from './config-diff.ts';

test('equal overrides make no change; a value only inherited is made explicit', () => {
  assert.deepEqual(diffConfigs({ 'retention.ms': '-1' }, { 'retention.ms': { value: '-1', override: true } }), []);
  assert.deepEqual(diffConfigs({ 'compression.type': 'producer' }, { 'compression.type': { value: 'producer', override: false } }), [
    { key: 'compression.type', from: 'producer', to: 'producer' },
  ]);
});

test('cleanup.policy compares as a set', () => {
  assert.deepEqual(diffConfigs({ 'cleanup.policy': 'compact,delete' }, { 'cleanup.policy': { value: 'delete,compact', override: true } }), []);
});

test('removing an override falls back to the inherited value, and is destructive if that shortens retention', () => {
  const [change] = diffConfigs({}, { 'retention.ms': { value: '-1', override: true, inherited: '604800000' } });
  assert.equal(change?.to, undefined);
  assert.equal(change?.inherited, '604800000');
  assert.match(change?.destructiveReason ?? '', /retention\.ms -1 → 604800000/);
});

test('what counts as destructive', () => {
  assert.ok(destructiveReason('cleanup.policy', 'delete', 'compact'));
  assert.equal(destructiveReason('cleanup.policy', 'delete', 'delete'), undefined);
  assert.ok(destructiveReason('retention.ms', '-1', '1000'));
  assert.ok(destructiveReason('retention.bytes', '1000', '10'));
  assert.equal(destructiveReason('retention.ms', '1000', '-1'), undefined);
  assert.equal(destructiveReason('retention.ms', '1000', '2000'), undefined);
  assert.equal(destructiveReason('min.insync.replicas', '1', '2'), undefined);
});
