import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository this platform package lives in: schemas/ and topics/ are read from here by default. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Where the Avro files live: `schemas/<domain>/<event>.avsc`. */
export const defaultSchemasDir = join(repoRoot, 'schemas');

/** Where `thalweg schemas generate` writes the TypeScript payload types. */
export const defaultGeneratedDir = join(repoRoot, 'services', 'platform', 'src', 'schemas', 'generated');
