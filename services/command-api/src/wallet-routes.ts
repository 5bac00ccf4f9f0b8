import type { Request } from 'express';
import Type from 'typebox';
import { identityOf, type AccessControl } from '@thalweg/platform/auth';
import { ThalwegError, validationError } from '@thalweg/platform/errors';
import { MAX_AVRO_LONG_NUMBER } from '@thalweg/platform/schemas';
import { PATTERN_HINT, contractRoute, problemAnswer, routeContract, type ResponseContract } from '@thalweg/platform/http';
import {
  commandHeaders,
  commandStatusLink,
  consistencyTokenHeader,
  decidedCommandSchema,
  locationHeader,
  pendingCommandSchema,
  preferHeader,
  preferenceAppliedHeader,
  replayedHeader,
  uuid,
} from './contract-schemas.ts';
import type { LedgerCommandAnswer } from './ledger-answer.ts';
import { movementCommand, openWalletCommand, transferCommand } from './wallet-commands.ts';
import type { WalletDirectory } from './wallet-directory.ts';

export interface WalletRouteDependencies {
  answer: LedgerCommandAnswer;
  access: AccessControl;
  directory: WalletDirectory;
  clock?: () => Date;
}

const currency = (description: string) => Type.String({ pattern: '^[A-Z]{3}$', [PATTERN_HINT]: 'must be an ISO 4217 code such as EUR', description });
const amountMinor = Type.Integer({ minimum: 1, maximum: MAX_AVRO_LONG_NUMBER, description: 'Integer minor units (cents).' });
const reference = Type.String({ minLength: 1, maxLength: 140 });
const walletPath = Type.Object({ walletId: uuid() });
const headers = Type.Object({ ...commandHeaders, ...preferHeader });

const walletLinks = {
  CreditWallet: { operationId: 'creditWallet', parameters: { walletId: '$response.body#/walletId' } },
  DebitWallet: { operationId: 'debitWallet', parameters: { walletId: '$response.body#/walletId' } },
  TransferFunds: { operationId: 'transferFunds', parameters: { walletId: '$response.body#/walletId' } },
};

const answerHeaders = { 'Consistency-Token': consistencyTokenHeader, 'Idempotent-Replayed': replayedHeader, 'Preference-Applied': preferenceAppliedHeader };

/** The answers of a ledger command: 202 at once, or its outcome within the Prefer wait. */
function ledgerResponses(decided: { status: '200' | '201'; response: ResponseContract }, pending: ResponseContract) {
  return {
    [decided.status]: decided.response,
    '202': pending,
    ...(decided.status === '200' ? { '404': problemAnswer("No such wallet for this caller (another tenant's is as unknown).") } : {}),
    '409': problemAnswer('A request with this Idempotency-Key still runs (THALWEG_IDEMPOTENCY_IN_PROGRESS), or the id exists (THALWEG_CONFLICT).'),
    '422': problemAnswer('Refused by the ledger within the Prefer wait (THALWEG_INSUFFICIENT_FUNDS, THALWEG_CURRENCY_MISMATCH, …), or the Idempotency-Key was used with another request.'),
  };
}

const pending = (extra: Parameters<typeof pendingCommandSchema>[0], links: ResponseContract['links']): ResponseContract => ({
  description: 'The command is on the log, not decided yet (or not within the Prefer wait). Location names its status; the Consistency-Token waits for its outcome.',
  headers: { ...answerHeaders, Location: locationHeader },
  body: pendingCommandSchema(extra),
  links: { GetCommand: commandStatusLink, ...links },
});

const movement = (direction: 'credit' | 'debit') =>
  routeContract({
    method: 'post',
    path: `/v1/wallets/{walletId}/${direction}s`,
    operationId: `${direction}Wallet`,
    summary: direction === 'credit' ? 'Credit a wallet' : 'Debit a wallet',
    params: walletPath,
    headers,
    body: Type.Object({ amountMinor, currency: Type.Optional(currency("Must equal the wallet's currency.")), reference }, { additionalProperties: false }),
    responses: ledgerResponses(
      { status: '200', response: { description: 'Accepted by the ledger within the Prefer wait: where its events landed.', headers: answerHeaders, body: decidedCommandSchema({ walletId: uuid(), entryId: uuid() }) } },
      pending({ walletId: uuid(), entryId: uuid('The entry the command makes.') }, {}),
    ),
  });

export const walletContracts = {
  openWallet: routeContract({
    method: 'post',
    path: '/v1/wallets',
    operationId: 'openWallet',
    summary: 'Open a wallet',
    headers,
    body: Type.Object(
      { walletId: Type.Optional(uuid('Optional client-chosen id.')), ownerId: Type.String({ minLength: 1, maxLength: 128 }), currency: currency('ISO 4217.') },
      { additionalProperties: false },
    ),
    responses: ledgerResponses(
      {
        status: '201',
        response: {
          description: "Opened within the Prefer wait; Location names the wallet, which the query API's GET /v1/wallets/{walletId} reads with the Consistency-Token.",
          headers: { ...answerHeaders, Location: locationHeader },
          body: decidedCommandSchema({ walletId: uuid() }),
          links: walletLinks,
        },
      },
      pending({ walletId: uuid() }, walletLinks),
    ),
  }),
  creditWallet: movement('credit'),
  debitWallet: movement('debit'),
  transferFunds: routeContract({
    method: 'post',
    path: '/v1/wallets/{walletId}/transfers',
    operationId: 'transferFunds',
    summary: 'Transfer funds to another wallet',
    description:
      'Moves money to another wallet of the same tenant and currency: the source is debited, then the destination credited; if the destination cannot be credited the money goes back and the transfer is rejected. The outcome is known once both wallets have decided.',
    params: walletPath,
    headers,
    body: Type.Object(
      {
        destinationWalletId: uuid('Another wallet of the same tenant (404 otherwise); the source itself is a 400.'),
        amountMinor,
        currency: Type.Optional(currency("Must equal the wallets' currency.")),
        reference,
      },
      { additionalProperties: false },
    ),
    responses: ledgerResponses(
      {
        status: '200',
        response: {
          description: 'Accepted by the ledger within the Prefer wait: where its events landed.',
          headers: answerHeaders,
          body: decidedCommandSchema({ walletId: uuid(), transferId: uuid(), destinationWalletId: uuid() }),
        },
      },
      pending({ walletId: uuid(), transferId: uuid('The transfer the command makes.'), destinationWalletId: uuid() }, {}),
    ),
  }),
};

export function walletRoutes({ answer, access, directory, clock = () => new Date() }: WalletRouteDependencies) {
  /**
   * The wallet, once the policy allows the action on it. A missing wallet goes to the policy with
   * no owner: answered like another tenant's, 404. The directory is the command side's index of
   * wallets and their tenants; the ledger processor decides on the wallet's state.
   */
  async function permittedWallet(request: Request, action: string, walletId: string) {
    const wallet = await directory.find(walletId);
    await access.authorize(request, action, { type: 'wallet', id: walletId, tenant: wallet?.tenant ?? null });
    if (!wallet) throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${walletId} not found`);
    return wallet;
  }

  const movementRoute = (direction: 'credit' | 'debit') =>
    contractRoute(walletContracts[`${direction}Wallet`], async ({ params: { walletId }, body }, request, response) => {
      const wallet = await permittedWallet(request, `wallets:${direction}`, walletId);
      await answer({ request, response }, direction, async (commandId, submit) => {
        const command = movementCommand(direction, body, wallet, clock(), commandId);
        await submit(command);
        return { walletId, entryId: command.data.entryId };
      });
    });

  return [
    contractRoute(walletContracts.openWallet, async ({ body }, request, response) => {
      await access.authorize(request, 'wallets:open', { type: 'wallet' });
      const { tenant } = identityOf(request);
      await answer(
        { request, response },
        'open-wallet',
        async (commandId, submit, { resumed }) => {
          const command = openWalletCommand(body, tenant, clock(), commandId);
          const { walletId } = command.data;
          // Reserved before publishing, so two concurrent openings of one id cannot both land. A
          // resumed run's command holds the reservation already: it answers for that command.
          if (!resumed && !(await directory.reserve(walletId))) throw new ThalwegError('THALWEG_CONFLICT', `wallet ${walletId} already exists`);
          try {
            await submit(command);
          } catch (error) {
            await directory.release(walletId);
            throw error;
          }
          await directory.record({ walletId, tenant, ownerId: body.ownerId, currency: body.currency });
          return { walletId };
        },
        (decided) => `/v1/wallets/${String(decided.walletId)}`,
      );
    }),
    movementRoute('credit'),
    movementRoute('debit'),
    contractRoute(walletContracts.transferFunds, async ({ params: { walletId }, body }, request, response) => {
      if (body.destinationWalletId === walletId) throw validationError([{ field: 'body.destinationWalletId', message: 'must be another wallet than the source' }]);
      const source = await permittedWallet(request, 'wallets:transfer', walletId);
      // The destination is the source's tenant's, or it is as unknown: 404 either way.
      const destination = await directory.find(body.destinationWalletId);
      if (!destination || destination.tenant !== source.tenant) {
        throw new ThalwegError('THALWEG_NOT_FOUND', `wallet ${body.destinationWalletId} not found`, { fields: [{ field: 'body.destinationWalletId', message: 'no such wallet' }] });
      }
      await answer({ request, response }, 'transfer', async (commandId, submit) => {
        const command = transferCommand(body, source, clock(), commandId);
        await submit(command);
        return { walletId, transferId: command.data.transferId, destinationWalletId: body.destinationWalletId };
      });
    }),
  ];
}
