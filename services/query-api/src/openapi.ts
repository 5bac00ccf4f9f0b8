import { openapiDocument } from '@thalweg/platform/http';
import { userContracts, userSchema } from './user-routes.ts';
import { entryPageSchema, entrySchema, walletContracts, walletSchema } from './wallet-routes.ts';

/** Every operation of the query API, each declared once: its route validates against it. */
export const queryApiContracts = [...Object.values(walletContracts), ...Object.values(userContracts)];

/** The query API's contract, served at /openapi.json. */
export const queryApiOpenapi = openapiDocument({
  title: 'Thalweg query API',
  version: '1.0.0',
  description: 'Reads of the projections, with read-your-writes through consistency tokens.',
  servers: ['http://127.0.0.1:4002'],
  contracts: queryApiContracts,
  schemas: { Wallet: walletSchema, Entry: entrySchema, EntryPage: entryPageSchema, User: userSchema },
});
