// Walmart's own OpenAPI definitions (simulators/contracts/walmart-marketplace, see SOURCES.md), one per
// API family. POST /v3/feeds is declared twice, in the inventory and in the prices definition,
// told apart only by `feedType`; so the feed type picks the definition.
import { OpenApiContract, type RequestCheck, type RequestToCheck } from "../common/openapi";

const DIR = "walmart-marketplace";

export interface WalmartContracts {
  inventory: OpenApiContract;
  prices: OpenApiContract;
  feeds: OpenApiContract;
  orders: OpenApiContract;
}

let loaded: WalmartContracts | null = null;

/** Loaded once per process: the orders definition alone is 2.8 MB of YAML. */
export function walmartContracts(): WalmartContracts {
  loaded ??= {
    inventory: new OpenApiContract(`${DIR}/walmart-marketplace-inventory-openapi-original.yml`),
    prices: new OpenApiContract(`${DIR}/walmart-marketplace-prices-openapi-original.yml`),
    feeds: new OpenApiContract(`${DIR}/walmart-marketplace-feeds-openapi-original.yml`),
    orders: new OpenApiContract(`${DIR}/walmart-marketplace-orders-openapi-original.yml`),
  };
  return loaded;
}

/** Which definition a request belongs to: the one with this path and method, else any with the path. */
export function contractFor(request: RequestToCheck): OpenApiContract {
  const contracts = walmartContracts();
  if (request.method === "POST" && request.path === "/v3/feeds") {
    return request.query.get("feedType") === "price" ? contracts.prices : contracts.inventory;
  }
  const ordered = [contracts.inventory, contracts.prices, contracts.feeds, contracts.orders];
  const knows = (c: OpenApiContract, method?: string) => c.operations.some((op) => op.pattern.test(request.path) && (!method || op.method === method));
  return ordered.find((c) => knows(c, request.method.toUpperCase())) ?? ordered.find((c) => knows(c)) ?? contracts.inventory;
}

export type CheckedRequest = Extract<RequestCheck, { ok: true }> & { contract: OpenApiContract };

export function checkWalmartRequest(request: RequestToCheck): CheckedRequest | Extract<RequestCheck, { ok: false }> {
  const contract = contractFor(request);
  const check = contract.checkRequest(request);
  return check.ok ? { ...check, contract } : check;
}
