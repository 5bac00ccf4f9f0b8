import type { Db } from 'mongodb';
import { storeCall } from '@thalweg/platform/errors';

/** A user as the API shows it: the projection's document without its bookkeeping. */
export interface UserView {
  userId: string;
  email: string;
  name: string;
  country: string;
  preferences: { language: string; timeZone: string; notifications: { email: boolean; sms: boolean; marketing: boolean } } | null;
  kyc: {
    state: string;
    updatedAt: string;
    timeline: Array<{ state: string; previousState: string; reviewer: string | null; reason: string | null; documents: Array<{ documentId: string; kind: string }>; at: string; eventId: string }>;
  };
  registeredAt: string;
  updatedAt: string;
}

interface UserDocument {
  _id: string;
  tenant: string;
  email: string;
  name: string;
  country: string;
  preferences?: UserView['preferences'];
  kyc: { state: string; updatedAt: Date; timeline: Array<Omit<UserView['kyc']['timeline'][number], 'at'> & { at: Date }> };
  registeredAt: Date;
  updatedAt: Date;
}

/** Reads the user projection (MongoDB, FerretDB natively): a user by id with the tenant that owns it. */
export function createUserReads(serving: () => Promise<{ db: Db }>) {
  return {
    /** The user and its owner, or null when the projection has no such user (or only part of one). */
    async user(userId: string): Promise<{ tenant: string; view: UserView } | null> {
      // The live generation's database, looked up per read: a rebuild's swap reaches this read at once.
      const { db } = await serving();
      const document = await storeCall('reading the user projection', db.collection<UserDocument>('users').findOne({ _id: userId }));
      // A document without registeredAt holds changes whose registration is not projected yet.
      if (!document?.registeredAt) return null;
      return {
        tenant: document.tenant,
        view: {
          userId: document._id,
          email: document.email,
          name: document.name,
          country: document.country,
          preferences: document.preferences ?? null,
          kyc: {
            state: document.kyc.state,
            updatedAt: document.kyc.updatedAt.toISOString(),
            timeline: (document.kyc.timeline ?? []).map((entry) => ({ ...entry, at: entry.at.toISOString() })),
          },
          registeredAt: document.registeredAt.toISOString(),
          updatedAt: document.updatedAt.toISOString(),
        },
      };
    },
  };
}

export type UserReads = ReturnType<typeof createUserReads>;
