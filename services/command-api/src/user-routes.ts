import type { Request, Router } from 'express';
import { identityOf, type AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import type { ConsistencyTokens, DomainEvent, Publisher, PublishResult } from '@thalweg/platform/events';
import { parseFields, type Idempotency } from '@thalweg/platform/http';
import { accepted, answerCommand } from './command-answer.ts';
import { kycStates } from './kyc-workflow.ts';
import { decideKycStep, decideProfileUpdate, decideRegisterUser } from './user-commands.ts';
import type { UserDirectory } from './user-directory.ts';

export interface UserRouteDependencies {
  publisher: Publisher;
  access: AccessControl;
  directory: UserDirectory;
  idempotency: Idempotency;
  tokens: ConsistencyTokens;
  clock?: () => Date;
}

const COUNTRY = { type: 'string', pattern: /^[A-Z]{2}$/, patternHint: 'must be an ISO 3166-1 alpha-2 code such as FR' } as const;
const NAME = { type: 'string', minLength: 1, maxLength: 200 } as const;
const registerRules = {
  userId: { type: 'uuid', required: false },
  email: { type: 'string', maxLength: 254, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, patternHint: 'must be an email address' },
  name: NAME,
  country: COUNTRY,
} as const;
const profileRules = {
  name: { ...NAME, required: false },
  country: { ...COUNTRY, required: false },
  preferences: {
    type: 'object',
    required: false,
    fields: {
      language: { type: 'string', pattern: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, patternHint: 'must be a BCP 47 language tag such as fr or en-GB' },
      timeZone: { type: 'string', minLength: 1, maxLength: 64, pattern: /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, patternHint: 'must be an IANA time zone such as Europe/Paris' },
      notifications: { type: 'object', fields: { email: { type: 'boolean' }, sms: { type: 'boolean' }, marketing: { type: 'boolean' } } },
    },
  },
} as const;
const kycRules = {
  state: { type: 'enum', values: kycStates },
  reason: { type: 'string', required: false, minLength: 1, maxLength: 500 },
  documents: {
    type: 'array',
    required: false,
    maxItems: 10,
    items: {
      type: 'object',
      fields: { documentId: { type: 'string', minLength: 1, maxLength: 128 }, kind: { type: 'enum', values: ['passport', 'id_card', 'driving_licence', 'proof_of_address'] } },
    },
  },
} as const;
const userIdRule = { userId: { type: 'uuid' } } as const;

export function userRoutes({ publisher, access, directory, idempotency, tokens, clock = () => new Date() }: UserRouteDependencies) {
  /** The user, once the policy allows the action on it; a missing user is answered like another tenant's. */
  async function permittedUser(request: Request, action: string, userId: string) {
    const user = await directory.find(userId);
    await access.authorize(request, action, { type: 'user', id: userId, tenant: user?.tenant ?? null });
    if (!user) throw new ThalwegError('THALWEG_NOT_FOUND', `user ${userId} not found`);
    return user;
  }

  return (router: Router) => {
    router.post('/users', async (request, response) => {
      const command = parseFields(request.body, registerRules);
      await access.authorize(request, 'users:register', { type: 'user' });
      const { tenant } = identityOf(request);
      await answerCommand(
        { request, response, idempotency },
        'register-user',
        async (newId) => {
          const event = decideRegisterUser(command, tenant, clock(), newId);
          const { userId, email } = event.data;
          // Reserved before publishing, so two concurrent registrations of one id cannot both land.
          if (!(await directory.reserve(userId))) throw new ThalwegError('THALWEG_CONFLICT', `user ${userId} already exists`);
          let result: PublishResult;
          try {
            await directory.claimEmail(tenant, email, userId);
            result = await publisher.publish(event as DomainEvent);
          } catch (error) {
            await directory.releaseEmail(tenant, email, userId);
            await directory.release(userId);
            throw error;
          }
          // Once the user is on the log the email stays theirs, whatever happens next.
          await directory.record({ userId, tenant, email, kycState: 'pending' });
          return accepted(tokens, result, { userId });
        },
        (body) => `/v1/users/${String(body.userId)}`,
      );
    });

    router.patch('/users/:userId/profile', async (request, response) => {
      const { userId } = parseFields(request.params, userIdRule, 'path');
      const command = parseFields(request.body, profileRules);
      const user = await permittedUser(request, 'users:update-profile', userId);
      await answerCommand({ request, response, idempotency }, 'update-profile', async () => {
        const result = await publisher.publish(decideProfileUpdate(command, user, clock()) as DomainEvent);
        return accepted(tokens, result, { userId });
      });
    });

    router.post('/users/:userId/kyc-decisions', async (request, response) => {
      const { userId } = parseFields(request.params, userIdRule, 'path');
      const command = parseFields(request.body, kycRules);
      const user = await permittedUser(request, 'users:decide-kyc', userId);
      await answerCommand({ request, response, idempotency }, 'kyc-decision', async () => {
        const event = decideKycStep(command, user, identityOf(request).subject, clock());
        const { previousState, state } = event.data;
        // Claimed before publishing, so two concurrent steps cannot both land, nor one follow
        // another that is not on the log yet.
        const result = await directory.kycStep(userId, previousState, state, () => publisher.publish(event as DomainEvent));
        return accepted(tokens, result, { userId, kycState: state });
      });
    });
  };
}
