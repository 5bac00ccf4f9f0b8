import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { isThalwegError } from '../errors/index.ts';
import { lintSchema } from './schema-lint.ts';
import { loadSchemaCatalog, parseSchemaFile } from './schema-catalog.ts';

const fails = (code: string, pattern: RegExp) => (error: unknown) => isThalwegError(error) && error.code === code && pattern.test(error.message);

test('the repository schemas load with their contract names and files', () => {
  const catalog = loadSchemaCatalog();
  assert.deepEqual(
    catalog.all().map((entry) => entry.fullName),
    [
      'thalweg.identity.KycStatusChanged',
      'thalweg.identity.ProfileUpdated',
      'thalweg.identity.UserRegistered',
      'thalweg.ledger.CommandDecided',
      'thalweg.ledger.CompleteTransfer',
      'thalweg.ledger.CreditFunds',
      'thalweg.ledger.CreditTransfer',
      'thalweg.ledger.DebitFunds',
      'thalweg.ledger.FundsCredited',
      'thalweg.ledger.FundsDebited',
      'thalweg.ledger.OpenWallet',
      'thalweg.ledger.RequestTransfer',
      'thalweg.ledger.TransferRejected',
      'thalweg.ledger.TransferRequested',
      'thalweg.ledger.TransferSettled',
      'thalweg.ledger.WalletOpened',
    ],
  );
  const kyc = catalog.get('thalweg.identity.KycStatusChanged');
  assert.equal(kyc.domain, 'identity');
  assert.deepEqual(
    (kyc.schema.fields as Array<{ name: string }>).map((field) => field.name),
    ['userId', 'tenantId', 'state', 'previousState', 'reviewer', 'reason', 'documents', 'changedAt'],
  );
  const entry = catalog.get('thalweg.ledger.FundsCredited');
  assert.equal(entry.name, 'FundsCredited');
  assert.equal(entry.domain, 'ledger');
  assert.match(entry.file, /schemas\/ledger\/funds-credited\.avsc$/);
  assert.deepEqual(
    (entry.schema.fields as Array<{ name: string }>).map((field) => field.name),
    ['walletId', 'entryId', 'tenantId', 'amountMinor', 'currency', 'reference', 'creditedAt', 'transferId'],
  );
});

test('every repository schema follows the house rules', () => {
  for (const entry of loadSchemaCatalog().all()) assert.deepEqual(lintSchema(entry), [], entry.fullName);
});

test('timestamp-millis decodes as a Date and uuid stays a string', () => {
  const { type } = loadSchemaCatalog().get('thalweg.ledger.WalletOpened');
  const payload = { walletId: '0190f3a4-5b6c-7d8e-9f00-112233445566', ownerId: 'u-1', tenantId: 't-1', currency: 'EUR', openedAt: new Date(1_700_000_000_000) };
  const decoded = type.fromBuffer(type.toBuffer(payload)) as typeof payload;
  assert.ok(decoded.openedAt instanceof Date);
  assert.equal(decoded.openedAt.getTime(), 1_700_000_000_000);
  assert.equal(typeof decoded.walletId, 'string');
  assert.equal(type.isValid({ ...payload, openedAt: 1_700_000_000_000 }), false, 'a number is not a timestamp');
  assert.ok(avro.Type.isType(type, 'record'));
});

test('an unknown event type is THALWEG_SCHEMA_NOT_FOUND naming it', () => {
  assert.throws(() => loadSchemaCatalog().get('thalweg.ledger.Nope'), fails('THALWEG_SCHEMA_NOT_FOUND', /thalweg\.ledger\.Nope/));
});

test('invalid files are THALWEG_SCHEMA_INVALID naming the file', () => {
  assert.throws(() => parseSchemaFile('{ nope', 'x.avsc'), fails('THALWEG_SCHEMA_INVALID', /^x\.avsc: not valid JSON/));
  assert.throws(() => parseSchemaFile('{"type":"enum","name":"E","symbols":["A"]}', 'e.avsc'), fails('THALWEG_SCHEMA_INVALID', /e\.avsc: expected "type": "record"/));
  assert.throws(() => parseSchemaFile('{"type":"record","name":"R","fields":[]}', 'r.avsc'), fails('THALWEG_SCHEMA_INVALID', /needs a "namespace"/));
  assert.throws(
    () => parseSchemaFile('{"type":"record","name":"R","namespace":"thalweg.x","fields":[{"name":"a","type":"lng"}]}', 'r.avsc'),
    fails('THALWEG_SCHEMA_INVALID', /r\.avsc: not a valid Avro schema/),
  );
});

test('the lint names a missing doc, a wrong namespace and a wrong file name', () => {
  const entry = parseSchemaFile(
    JSON.stringify({ type: 'record', name: 'FundsMoved', namespace: 'thalweg.other', fields: [{ name: 'walletId', type: 'string' }] }),
    '/repo/schemas/ledger/moved.avsc',
    'ledger',
  );
  assert.deepEqual(lintSchema(entry), [
    'FundsMoved: the record has no "doc"',
    'FundsMoved.walletId: the field has no "doc"',
    'FundsMoved: namespace thalweg.other should be thalweg.ledger (the folder it lives in)',
    'FundsMoved: the file should be named funds-moved.avsc',
  ]);
});
