import Type from 'typebox';
import type { AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import { contractRoute, problemAnswer, routeContract } from '@thalweg/platform/http';
import { readConsistency, type ReadConsistencyOptions } from './read-consistency.ts';
import { readHeaders, readResponses, timestamp, uuid } from './read-contracts.ts';
import type { UserReads } from './user-reads.ts';

export interface UserRouteDependencies {
  reads: UserReads;
  access: AccessControl;
  /** Consistency tokens against the user projection's position. */
  consistency: ReadConsistencyOptions;
}

const kycState = Type.Enum(['pending', 'submitted', 'in_review', 'approved', 'rejected']);

export const userSchema = Type.Object(
  {
    userId: uuid(),
    email: Type.String(),
    name: Type.String(),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    preferences: Type.Union([
      Type.Object(
        {
          language: Type.String(),
          timeZone: Type.String(),
          notifications: Type.Object({ email: Type.Boolean(), sms: Type.Boolean(), marketing: Type.Boolean() }, { additionalProperties: false }),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    kyc: Type.Object(
      {
        state: kycState,
        updatedAt: timestamp(),
        timeline: Type.Array(
          Type.Object(
            {
              state: kycState,
              previousState: kycState,
              reviewer: Type.Union([Type.String(), Type.Null()]),
              reason: Type.Union([Type.String(), Type.Null()]),
              documents: Type.Array(Type.Object({ documentId: Type.String(), kind: Type.String() }, { additionalProperties: false })),
              at: timestamp(),
              eventId: Type.String(),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    registeredAt: timestamp(),
    updatedAt: timestamp(),
  },
  { additionalProperties: false },
);

export const userContracts = {
  getUser: routeContract({
    method: 'get',
    path: '/v1/users/{userId}',
    operationId: 'getUser',
    summary: 'A user',
    params: Type.Object({ userId: uuid() }),
    headers: readHeaders,
    responses: {
      '200': { description: 'The user: profile, preferences, KYC state and timeline', body: userSchema },
      '404': problemAnswer("No such user for this caller (another tenant's is as unknown)."),
      ...readResponses,
    },
  }),
};

export function userRoutes({ reads, access, consistency }: UserRouteDependencies) {
  const awaitConsistency = readConsistency(consistency);
  return [
    contractRoute(userContracts.getUser, async ({ params: { userId } }, request, response) => {
      await awaitConsistency(request);
      const user = await reads.user(userId);
      // A missing user goes to the policy with no owner: answered exactly like another tenant's.
      await access.authorize(request, 'users:read', { type: 'user', id: userId, tenant: user?.tenant ?? null });
      if (!user) throw new ThalwegError('THALWEG_NOT_FOUND', `user ${userId} not found`);
      response.json(user.view);
    }),
  ];
}
