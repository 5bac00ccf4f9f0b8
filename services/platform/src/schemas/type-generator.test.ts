import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemaFile, type SchemaCatalog, type SchemaEntry } from './schema-catalog.ts';
import { generateTypeFiles } from './type-generator.ts';

function catalogOf(entries: SchemaEntry[]): SchemaCatalog {
  return { root: '/schemas', get: (name) => entries.find((entry) => entry.fullName === name)!, has: () => true, all: () => entries };
}

test('Avro types map to the TypeScript types avsc produces', () => {
  const entry = parseSchemaFile(
    JSON.stringify({
      type: 'record',
      name: 'KycStatusChanged',
      namespace: 'thalweg.identity',
      doc: 'KYC moved on.',
      fields: [
        { name: 'userId', type: { type: 'string', logicalType: 'uuid' }, doc: 'The user.' },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'level', type: 'int' },
        { name: 'score', type: 'double' },
        { name: 'status', type: { type: 'enum', name: 'KycStatus', symbols: ['PENDING', 'VERIFIED'] } },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'attributes', type: { type: 'map', values: 'long' } },
        { name: 'evidence', type: 'bytes' },
        { name: 'reviewer', type: ['null', { type: 'record', name: 'Reviewer', fields: [{ name: 'id', type: 'string' }] }], default: null },
      ],
    }),
    '/schemas/identity/kyc-status-changed.avsc',
    'identity',
  );
  const [domain, index] = generateTypeFiles({ catalog: catalogOf([entry]) });
  assert.equal(domain?.name, 'identity.ts');
  const content = domain!.content;
  for (const line of [
    'export type KycStatusChanged = {',
    '  /** The user. */\n  userId: string;',
    '  at: Date;',
    '  level: number;',
    '  score: number;',
    '  status: KycStatus;',
    "export type KycStatus = 'PENDING' | 'VERIFIED';",
    '  /** Default: null. */\n  note: null | string;',
    '  tags: Array<string>;',
    '  attributes: Record<string, number>;',
    '  evidence: Buffer;',
    '  reviewer: null | Reviewer;',
    'export type Reviewer = {',
    "  'thalweg.identity.KycStatusChanged': KycStatusChanged;",
  ]) {
    assert.ok(content.includes(line), `expected ${JSON.stringify(line)} in:\n${content}`);
  }
  assert.ok(content.indexOf('export type KycStatusChanged') < content.indexOf('export type Reviewer'), 'the event type comes first');
  assert.equal(index?.name, 'index.ts');
  assert.match(index!.content, /export interface EventPayloads extends IdentityEventPayloads \{\}/);
  assert.match(index!.content, /export type \{ IdentityEventPayloads, KycStatus, KycStatusChanged, Reviewer \} from '\.\/identity\.ts';/);
});
