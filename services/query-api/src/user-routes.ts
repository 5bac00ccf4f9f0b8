import type { Router } from 'express';
import type { AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import { parseFields } from '@thalweg/platform/http';
import { readConsistency, type ReadConsistencyOptions } from './read-consistency.ts';
import type { UserReads } from './user-reads.ts';

export interface UserRouteDependencies {
  reads: UserReads;
  access: AccessControl;
  /** Consistency tokens against the user projection's position. */
  consistency: ReadConsistencyOptions;
}

const userIdRule = { userId: { type: 'uuid' } } as const;

export function userRoutes({ reads, access, consistency }: UserRouteDependencies) {
  const awaitConsistency = readConsistency(consistency);
  return (router: Router) => {
    router.get('/users/:userId', async (request, response) => {
      const { userId } = parseFields(request.params, userIdRule, 'path');
      await awaitConsistency(request);
      const user = await reads.user(userId);
      // A missing user goes to the policy with no owner: answered exactly like another tenant's.
      await access.authorize(request, 'users:read', { type: 'user', id: userId, tenant: user?.tenant ?? null });
      if (!user) throw new ThalwegError('THALWEG_NOT_FOUND', `user ${userId} not found`);
      response.json(user.view);
    });
  };
}
