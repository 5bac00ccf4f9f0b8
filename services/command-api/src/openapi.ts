import { openapiDocument } from '@thalweg/platform/http';
import { commandContracts, commandStatusSchema } from './command-routes.ts';
import { positionSchema } from './contract-schemas.ts';
import { userContracts } from './user-routes.ts';
import { walletContracts } from './wallet-routes.ts';

/** Every operation of the command API, each declared once: its route validates against it. */
export const commandApiContracts = [...Object.values(walletContracts), ...Object.values(commandContracts), ...Object.values(userContracts)];

/** The command API's contract, served at /openapi.json. */
export const commandApiOpenapi = openapiDocument({
  title: 'Thalweg command API',
  version: '1.0.0',
  description:
    'Commands go onto Kafka: ledger commands are decided by the ledger processor (202 with the command id, or its outcome with Prefer: wait), user commands become events at once (202 with a consistency token).',
  servers: ['http://127.0.0.1:4001'],
  contracts: commandApiContracts,
  schemas: { Position: positionSchema, CommandStatus: commandStatusSchema },
});
