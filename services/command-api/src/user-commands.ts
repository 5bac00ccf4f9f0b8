import { ThalwegError, validationError } from '@thalweg/platform/errors';
import type { DomainEvent } from '@thalweg/platform/events';
import type { KycDocument, KycState, KycStatusChanged, Preferences, ProfileUpdated, UserRegistered } from '@thalweg/platform/schemas';
import { isKycTransitionAllowed, kycTransitions } from './kyc-workflow.ts';
import type { UserRecord } from './user-directory.ts';

/** Pure decisions: a validated command and what is known become the event to publish. */

export interface RegisterUser {
  userId?: string;
  email: string;
  name: string;
  country: string;
}

export interface UpdateProfile {
  name?: string;
  country?: string;
  preferences?: Preferences;
}

export interface DecideKyc {
  state: KycState;
  reason?: string;
  documents?: KycDocument[];
}

/** `newId` is the user's id unless the command names one (commandId). */
export function decideRegisterUser(command: RegisterUser, tenant: string, now: Date, newId: string): DomainEvent<UserRegistered> {
  const userId = command.userId ?? newId;
  return {
    type: 'thalweg.identity.UserRegistered',
    subject: userId,
    tenant,
    data: { userId, tenantId: tenant, email: command.email.toLowerCase(), name: command.name, country: command.country, registeredAt: now },
  };
}

export function decideProfileUpdate(command: UpdateProfile, user: UserRecord, now: Date): DomainEvent<ProfileUpdated> {
  if (command.name === undefined && command.country === undefined && command.preferences === undefined) {
    throw validationError([{ field: 'body', message: 'must change at least one of name, country, preferences' }]);
  }
  return {
    type: 'thalweg.identity.ProfileUpdated',
    subject: user.userId,
    tenant: user.tenant,
    data: { userId: user.userId, tenantId: user.tenant, name: command.name ?? null, country: command.country ?? null, preferences: command.preferences ?? null, updatedAt: now },
  };
}

/**
 * One KYC step. A step the workflow does not allow from the user's current state is a conflict
 * (409), naming what is allowed; a submission needs documents, a rejection a reason.
 */
export function decideKycStep(command: DecideKyc, user: UserRecord, actor: string, now: Date): DomainEvent<KycStatusChanged> {
  const from = user.kycState;
  if (!isKycTransitionAllowed(from, command.state)) {
    const allowed = kycTransitions[from];
    throw new ThalwegError(
      'THALWEG_CONFLICT',
      `KYC cannot go from ${from} to ${command.state}; ${allowed.length > 0 ? `from ${from} it may go to ${allowed.join(' or ')}` : `${from} is final`}`,
      { details: { currentState: from } },
    );
  }
  const documents = command.documents ?? [];
  if (command.state === 'submitted' && documents.length === 0) throw validationError([{ field: 'body.documents', message: 'a submission needs at least one document' }]);
  if (command.state !== 'submitted' && documents.length > 0) throw validationError([{ field: 'body.documents', message: 'documents come with a submission only' }]);
  if (command.state === 'rejected' && !command.reason) throw validationError([{ field: 'body.reason', message: 'a rejection needs a reason' }]);
  return {
    type: 'thalweg.identity.KycStatusChanged',
    subject: user.userId,
    tenant: user.tenant,
    data: {
      userId: user.userId,
      tenantId: user.tenant,
      state: command.state,
      previousState: from,
      reviewer: command.state === 'submitted' ? null : actor,
      reason: command.reason ?? null,
      documents,
      changedAt: now,
    },
  };
}
