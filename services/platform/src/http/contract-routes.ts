import type { Request, Response, Router } from 'express';
import { API_PREFIX, type ContractInput, type RouteContract } from './route-contract.ts';
import { requestValidator } from './request-validation.ts';

/** A route's work once its request fits the contract. */
export type ContractHandler<C extends RouteContract> = (input: ContractInput<C>, request: Request, response: Response) => Promise<void>;

/** A contract with the handler that answers it. */
export interface ContractRoute {
  contract: RouteContract;
  mount(router: Router): void;
}

/** `/v1/wallets/{walletId}` as the service router (mounted at /v1) writes it: `/wallets/:walletId`. */
const routerPath = (path: string) => path.slice(API_PREFIX.length).replace(/\{([^}]+)\}/g, ':$1');

/** Binds a handler to its contract: the request is validated against the contract before the handler runs. */
export function contractRoute<C extends RouteContract>(contract: C, handler: ContractHandler<C>): ContractRoute {
  const validate = requestValidator(contract);
  return {
    contract,
    mount: (router) =>
      void router[contract.method](routerPath(contract.path), async (request, response) => {
        await handler(validate(request), request, response);
      }),
  };
}

/**
 * For `createServiceApp({ routes })`: mounts each contract route. `contracts` are those the API's
 * document is built from; a contract without its route, or a route without its contract in the
 * document, fails at start-up.
 */
export function mountRoutes(contracts: RouteContract[], routes: ContractRoute[]): (router: Router) => void {
  const routed = new Set(routes.map((route) => route.contract));
  const unrouted = contracts.filter((contract) => !routed.has(contract)).map((contract) => contract.operationId);
  const undocumented = routes.filter((route) => !contracts.includes(route.contract)).map((route) => route.contract.operationId);
  if (unrouted.length > 0) throw new Error(`contracts without a route: ${unrouted.join(', ')}`);
  if (undocumented.length > 0) throw new Error(`routes whose contract is not in the document: ${undocumented.join(', ')}`);
  return (router) => {
    for (const route of routes) route.mount(router);
  };
}
