import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { onCleanup } from './cleanup.ts';
import { testStack } from './test-stack.ts';
import { uniqueName } from './unique.ts';

/** A Redis client and a key prefix of the test's own; the keys under it are deleted when it ends. */
export function createTestRedis(t: TestContext, name: string): { redis: Redis; prefix: string } {
  const redis = new Redis(testStack.redisUrl);
  const prefix = uniqueName(`thalweg:test-${name}`);
  onCleanup(t, () => redis.quit());
  onCleanup(t, async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  return { redis, prefix };
}
