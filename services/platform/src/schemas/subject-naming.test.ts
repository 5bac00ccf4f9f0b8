import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subjectFor } from './subject-naming.ts';

test('subjects follow TopicRecordNameStrategy: <topic>-<record full name>', () => {
  assert.equal(subjectFor('ledger.wallets.v1', 'thalweg.ledger.FundsCredited'), 'ledger.wallets.v1-thalweg.ledger.FundsCredited');
  assert.throws(() => subjectFor('', 'thalweg.ledger.FundsCredited'));
});
