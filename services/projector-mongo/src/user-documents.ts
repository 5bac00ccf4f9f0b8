import { ThalwegError } from '@thalweg/platform/errors';
import type { MongoHandler, MongoIndex, MongoOperation, ProjectedEvent } from '@thalweg/platform/projection';
import type { KycStatusChanged, ProfileUpdated, UserRegistered } from '@thalweg/platform/schemas';

export const USERS = 'users';

/**
 * One document per user: the profile, the preferences, and the KYC state with its timeline.
 * `_id` is the user id; `tenant` scopes every read.
 */
export interface UserDocument {
  _id: string;
  tenant: string;
  email: string;
  name: string;
  country: string;
  preferences?: { language: string; timeZone: string; notifications: { email: boolean; sms: boolean; marketing: boolean } };
  kyc: { state: string; updatedAt: Date; timeline: KycTimelineEntry[] };
  registeredAt: Date;
  updatedAt: Date;
}

export interface KycTimelineEntry {
  state: string;
  previousState: string;
  reviewer: string | null;
  reason: string | null;
  documents: Array<{ documentId: string; kind: string }>;
  at: Date;
  eventId: string;
}

/** avsc decodes nested records into classes of their own; documents hold plain data. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function userRegistered({ data }: ProjectedEvent<UserRegistered>): MongoOperation {
  return {
    collection: USERS,
    id: data.userId,
    update: {
      $set: { tenant: data.tenantId, email: data.email, name: data.name, country: data.country, registeredAt: data.registeredAt, updatedAt: data.registeredAt, 'kyc.state': 'pending', 'kyc.updatedAt': data.registeredAt },
      $setOnInsert: { 'kyc.timeline': [] },
    },
  };
}

/** Only the parts the event gives change; null means unchanged. */
function profileUpdated({ data }: ProjectedEvent<ProfileUpdated>): MongoOperation {
  const changes: Record<string, unknown> = { updatedAt: data.updatedAt };
  if (data.name !== null) changes.name = data.name;
  if (data.country !== null) changes.country = data.country;
  if (data.preferences !== null) changes.preferences = plain(data.preferences);
  return { collection: USERS, id: data.userId, update: { $set: changes } };
}

function kycStatusChanged({ data, metadata }: ProjectedEvent<KycStatusChanged>): MongoOperation {
  const entry: KycTimelineEntry = {
    state: data.state,
    previousState: data.previousState,
    reviewer: data.reviewer,
    reason: data.reason,
    documents: plain(data.documents),
    at: data.changedAt,
    eventId: metadata.id,
  };
  return {
    collection: USERS,
    id: data.userId,
    // $addToSet, not $push: the entry is a function of the event alone, so a second copy of the
    // event (a dead letter replayed twice, read at another offset of the retry topic, past the
    // position guard) finds it there and adds nothing.
    update: { $set: { 'kyc.state': data.state, 'kyc.updatedAt': data.changedAt, updatedAt: data.changedAt }, $addToSet: { 'kyc.timeline': entry } },
  };
}

/** The user projection: each identity event becomes one guarded write of its user's document. */
export const userProjection: MongoHandler = (event) => {
  switch (event.metadata.type) {
    case 'thalweg.identity.UserRegistered':
      return [userRegistered(event as ProjectedEvent<UserRegistered>)];
    case 'thalweg.identity.ProfileUpdated':
      return [profileUpdated(event as ProjectedEvent<ProfileUpdated>)];
    case 'thalweg.identity.KycStatusChanged':
      return [kycStatusChanged(event as ProjectedEvent<KycStatusChanged>)];
    default:
      throw new ThalwegError('THALWEG_EVENT_REJECTED', `the user projection does not handle ${event.metadata.type}`);
  }
};

/** What the query API reads by: a user within its tenant, users by tenant and KYC state. */
export const userIndexes: MongoIndex[] = [
  { collection: USERS, key: { tenant: 1, email: 1 }, options: { name: 'users_tenant_email' } },
  { collection: USERS, key: { tenant: 1, 'kyc.state': 1 }, options: { name: 'users_tenant_kyc_state' } },
];
