import type { Request } from 'express';
import Type from 'typebox';
import { identityOf, type AccessControl } from '@thalweg/platform/auth';
import { ThalwegError } from '@thalweg/platform/errors';
import type { ConsistencyTokens, DomainEvent, Publisher, PublishResult } from '@thalweg/platform/events';
import { PATTERN_HINT, conditionalRule, contractRoute, problemAnswer, routeContract, type Idempotency, type ResponseContract } from '@thalweg/platform/http';
import { accepted, answerCommand } from './command-answer.ts';
import { acceptedEventSchema, commandHeaders, consistencyTokenHeader, locationHeader, replayedHeader, uuid } from './contract-schemas.ts';
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

const country = Type.String({ pattern: '^[A-Z]{2}$', [PATTERN_HINT]: 'must be an ISO 3166-1 alpha-2 code such as FR', description: 'ISO 3166-1 alpha-2.' });
const name = Type.String({ minLength: 1, maxLength: 200 });
const userPath = Type.Object({ userId: uuid() });
const headers = Type.Object(commandHeaders);
// The domain holds a language and a time zone, never an empty one: preferences are replaced as a
// whole, and clearing one is not a change the profile knows.
const preferences = Type.Object(
  {
    language: Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', [PATTERN_HINT]: 'must be a BCP 47 language tag such as fr or en-GB', description: 'BCP 47 tag such as fr or en-GB.' }),
    timeZone: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$',
      [PATTERN_HINT]: 'must be an IANA time zone such as Europe/Paris',
      description: 'IANA time zone such as Europe/Paris.',
    }),
    notifications: Type.Object({ email: Type.Boolean(), sms: Type.Boolean(), marketing: Type.Boolean() }, { additionalProperties: false }),
  },
  { additionalProperties: false, description: 'Replaced as a whole when given.' },
);
const kycDocument = Type.Object(
  { documentId: Type.String({ minLength: 1, maxLength: 128 }), kind: Type.Enum(['passport', 'id_card', 'driving_licence', 'proof_of_address']) },
  { additionalProperties: false },
);

/** What a KYC step carries, by the state it goes to (decideKycStep holds the same rules). */
const kycStepRules = [
  conditionalRule(
    { properties: { state: { const: 'submitted' } } },
    { schema: { required: ['documents'], properties: { documents: { minItems: 1 } } }, field: 'documents', message: 'a submission needs at least one document' },
    { schema: { properties: { documents: { maxItems: 0 } } }, field: 'documents', message: 'documents come with a submission only' },
  ),
  conditionalRule({ properties: { state: { const: 'rejected' } } }, { schema: { required: ['reason'] }, field: 'reason', message: 'a rejection needs a reason' }),
];

const userLinks = {
  UpdateProfile: { operationId: 'updateProfile', parameters: { userId: '$response.body#/userId' } },
  DecideKyc: { operationId: 'decideKyc', parameters: { userId: '$response.body#/userId' } },
};
const acceptedAnswer = (body: ResponseContract['body'], links: ResponseContract['links'], more: ResponseContract['headers'] = {}): ResponseContract => ({
  description: "Accepted: the event is on Kafka. The query API's GET /v1/users/{userId} reads it back with the Consistency-Token header.",
  headers: { 'Consistency-Token': consistencyTokenHeader, 'Idempotent-Replayed': replayedHeader, ...more },
  body,
  links,
});
const userResponses = {
  '409': problemAnswer('A request with this Idempotency-Key still runs, or the command contradicts the current state (THALWEG_CONFLICT).'),
  '422': problemAnswer('The Idempotency-Key was used with another request (THALWEG_IDEMPOTENCY_KEY_REUSED).'),
};
const notFound = problemAnswer("No such user for this caller (another tenant's is as unknown).");

export const userContracts = {
  registerUser: routeContract({
    method: 'post',
    path: '/v1/users',
    operationId: 'registerUser',
    summary: 'Register a user',
    headers,
    body: Type.Object(
      {
        userId: Type.Optional(uuid('Optional client-chosen id.')),
        email: Type.String({ format: 'email', maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', [PATTERN_HINT]: 'must be an email address', description: 'Unique within the tenant (409 otherwise).' }),
        name,
        country,
      },
      { additionalProperties: false },
    ),
    responses: { '202': acceptedAnswer(acceptedEventSchema({ userId: uuid() }), userLinks, { Location: locationHeader }), ...userResponses },
  }),
  updateProfile: routeContract({
    method: 'patch',
    path: '/v1/users/{userId}/profile',
    operationId: 'updateProfile',
    summary: "Update a user's profile",
    description: 'Changes the parts given: at least one of name, country, preferences.',
    params: userPath,
    headers,
    body: Type.Object({ name: Type.Optional(name), country: Type.Optional(country), preferences: Type.Optional(preferences) }, { additionalProperties: false, minProperties: 1 }),
    responses: { '202': acceptedAnswer(acceptedEventSchema({ userId: uuid() }), { DecideKyc: userLinks.DecideKyc }), '404': notFound, ...userResponses },
  }),
  decideKyc: routeContract({
    method: 'post',
    path: '/v1/users/{userId}/kyc-decisions',
    operationId: 'decideKyc',
    summary: 'Take one step of the KYC workflow',
    description:
      'pending -> submitted (with documents) -> in_review -> approved | rejected (with a reason); rejected -> submitted. Any other step is a 409; documents without a submission, or a rejection without a reason, a 400.',
    params: userPath,
    headers,
    body: Type.Object(
      { state: Type.Enum([...kycStates]), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), documents: Type.Optional(Type.Array(kycDocument, { maxItems: 10 })) },
      { additionalProperties: false, allOf: kycStepRules },
    ),
    responses: { '202': acceptedAnswer(acceptedEventSchema({ userId: uuid(), kycState: Type.Enum([...kycStates]) }), { UpdateProfile: userLinks.UpdateProfile }), '404': notFound, ...userResponses },
  }),
};

export function userRoutes({ publisher, access, directory, idempotency, tokens, clock = () => new Date() }: UserRouteDependencies) {
  /** The user, once the policy allows the action on it; a missing user is answered like another tenant's. */
  async function permittedUser(request: Request, action: string, userId: string) {
    const user = await directory.find(userId);
    await access.authorize(request, action, { type: 'user', id: userId, tenant: user?.tenant ?? null });
    if (!user) throw new ThalwegError('THALWEG_NOT_FOUND', `user ${userId} not found`);
    return user;
  }

  return [
    contractRoute(userContracts.registerUser, async ({ body: command }, request, response) => {
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
    }),

    contractRoute(userContracts.updateProfile, async ({ params: { userId }, body: command }, request, response) => {
      const user = await permittedUser(request, 'users:update-profile', userId);
      await answerCommand({ request, response, idempotency }, 'update-profile', async () => {
        const result = await publisher.publish(decideProfileUpdate(command, user, clock()) as DomainEvent);
        return accepted(tokens, result, { userId });
      });
    }),

    contractRoute(userContracts.decideKyc, async ({ params: { userId }, body: command }, request, response) => {
      const user = await permittedUser(request, 'users:decide-kyc', userId);
      await answerCommand({ request, response, idempotency }, 'kyc-decision', async () => {
        const event = decideKycStep(command, user, identityOf(request).subject, clock());
        const { previousState, state } = event.data;
        // Claimed before publishing, so two concurrent steps cannot both land, nor one follow
        // another that is not on the log yet.
        const result = await directory.kycStep(userId, previousState, state, () => publisher.publish(event as DomainEvent));
        return accepted(tokens, result, { userId, kycState: state });
      });
    }),
  ];
}
