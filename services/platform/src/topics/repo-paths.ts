import { join } from 'node:path';
import { repoRoot } from '../schemas/index.ts';

/** Where the topic specs live: `topics/<name>.yaml`. */
export const defaultTopicsDir = join(repoRoot, 'topics');
