import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownVariables } from '@thalweg/platform/config';
import { repoRoot } from '@thalweg/platform/schemas';
import { instanceUrlVariable, serviceCatalogue, serviceInstances } from './service-instances.ts';

test('the default ports are the ones compose/native/services.sh starts the services on', () => {
  const script = readFileSync(join(repoRoot, 'compose/native/services.sh'), 'utf8');
  const started = [...script.matchAll(/^\s+([a-z-]+)\) port (\d+) ;;$/gm)].map(([, service, port]) => ({ service: service!, port: Number(port) }));
  assert.ok(started.length > 0, 'service_port cases found in services.sh');
  const byName = (a: { service: string }, b: { service: string }) => a.service.localeCompare(b.service);
  assert.deepEqual([...serviceCatalogue].sort(byName), started.sort(byName));
});

test('a service instance is where THALWEG_<SERVICE>_URL says, several comma-separated, else on its default port', () => {
  assert.equal(instanceUrlVariable('projector-postgres'), 'THALWEG_PROJECTOR_POSTGRES_URL');
  assert.deepEqual(serviceInstances('projector-postgres', { THALWEG_PROJECTOR_POSTGRES_URL: 'http://a:1/, http://b:2' }), {
    service: 'projector-postgres',
    urls: ['http://a:1', 'http://b:2'],
    source: 'THALWEG_PROJECTOR_POSTGRES_URL',
  });
  const fallback = serviceInstances('projector-mongo', { THALWEG_PORT_OFFSET: '1000' });
  assert.deepEqual(fallback.urls, ['http://127.0.0.1:5013']);
  assert.match(fallback.source, /^default: THALWEG_PROJECTOR_MONGO_URL not set, services.sh port 4013 \+ THALWEG_PORT_OFFSET 1000$/);
});

test('every instance URL variable is a known THALWEG_ variable, so an environment shared with the services may hold it', () => {
  for (const { service } of serviceCatalogue) assert.ok(knownVariables.has(instanceUrlVariable(service)), instanceUrlVariable(service));
});
