import type { KycState } from '@thalweg/platform/schemas';

/**
 * The KYC workflow as a table: from each state, the states a step may lead to. The user submits
 * documents; a reviewer takes the file into review and approves or rejects it; a rejected user
 * may submit again. Approval is final.
 */
export const kycTransitions: Readonly<Record<KycState, readonly KycState[]>> = {
  pending: ['submitted'],
  submitted: ['in_review'],
  in_review: ['approved', 'rejected'],
  rejected: ['submitted'],
  approved: [],
};

export const kycStates = Object.keys(kycTransitions) as KycState[];

export function isKycTransitionAllowed(from: KycState, to: KycState): boolean {
  return kycTransitions[from].includes(to);
}
