import { ThalwegError } from '@thalweg/platform/errors';
import type { ProjectedEvent } from '@thalweg/platform/projection';
import type { FundsCredited, FundsDebited, KycStatusChanged, ProfileUpdated, UserRegistered } from '@thalweg/platform/schemas';
import type { DocumentUpdate, SearchDocument } from '@thalweg/platform/search';

/** One write a search handler asks for: a whole document, or some fields of an existing one. */
export type SearchOperation =
  | { kind: 'upsert'; collection: string; document: SearchDocument }
  | { kind: 'update'; collection: string; update: DocumentUpdate };

/** A pure mapping from an event to the index writes that project it. Throwing rejects the event. */
export type SearchHandler = (event: ProjectedEvent) => SearchOperation[];

export const USERS = 'users';
export const ENTRIES = 'entries';

function userRegistered({ userId, tenantId, name, email, country, registeredAt }: UserRegistered): SearchOperation {
  // KYC starts in state pending (UserRegistered's contract); KycStatusChanged moves it on.
  return { kind: 'upsert', collection: USERS, document: { id: userId, tenant: tenantId, name, email, country, kycState: 'pending', registeredAt: registeredAt.getTime() } };
}

/** Only the parts given change: a null part is left as it was (preferences are not searched). */
function profileUpdated({ userId, name, country }: ProfileUpdated): SearchOperation[] {
  const fields = { ...(name === null ? {} : { name }), ...(country === null ? {} : { country }) };
  return Object.keys(fields).length === 0 ? [] : [{ kind: 'update', collection: USERS, update: { id: userId, ...fields } }];
}

function kycStatusChanged({ userId, state }: KycStatusChanged): SearchOperation {
  return { kind: 'update', collection: USERS, update: { id: userId, kycState: state } };
}

function entry(data: FundsCredited | FundsDebited, direction: 'credit' | 'debit', occurredAt: Date): SearchOperation {
  const { entryId, tenantId, walletId, reference, amountMinor, currency, transferId } = data;
  // A transfer's entries (its debit, its credit or the money returned) share its id.
  const transfer = transferId ? { transferId } : {};
  return { kind: 'upsert', collection: ENTRIES, document: { id: entryId, tenant: tenantId, walletId, reference, amountMinor, currency, direction, occurredAt: occurredAt.getTime(), ...transfer } };
}

/**
 * Users and wallet entries as search documents. Every write sets values (never adds to them), so
 * applying a run of events again, in order, leaves the same documents: redelivery changes nothing.
 */
export const searchProjection: SearchHandler = (event) => {
  switch (event.metadata.type) {
    case 'thalweg.identity.UserRegistered':
      return [userRegistered(event.data as unknown as UserRegistered)];
    case 'thalweg.identity.ProfileUpdated':
      return profileUpdated(event.data as unknown as ProfileUpdated);
    case 'thalweg.identity.KycStatusChanged':
      return [kycStatusChanged(event.data as unknown as KycStatusChanged)];
    case 'thalweg.ledger.FundsCredited': {
      const credited = event.data as unknown as FundsCredited;
      return [entry(credited, 'credit', credited.creditedAt)];
    }
    case 'thalweg.ledger.FundsDebited': {
      const debited = event.data as unknown as FundsDebited;
      return [entry(debited, 'debit', debited.debitedAt)];
    }
    case 'thalweg.ledger.WalletOpened':
    case 'thalweg.ledger.TransferRequested':
    case 'thalweg.ledger.TransferSettled':
    case 'thalweg.ledger.TransferRejected':
      return []; // a wallet, and a transfer, are searched through their entries
    default:
      throw new ThalwegError('THALWEG_EVENT_REJECTED', `the search projection does not handle ${event.metadata.type}`);
  }
};
