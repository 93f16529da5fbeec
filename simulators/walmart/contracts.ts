// Walmart's own OpenAPI definitions (simulators/contracts/walmart-marketplace, see SOURCES.md), one per
// API family. POST /v3/feeds is declared twice, in the inventory and in the prices definition,
// told apart only by `feedType`; so the feed type picks the definition (the returns definition
// declares it a third time, for item overrides, which the simulator does not take).
import { OpenApiContract, type RequestCheck, type RequestToCheck } from "../common/openapi";

const DIR = "walmart-marketplace";

export interface WalmartContracts {
  inventory: OpenApiContract;
  prices: OpenApiContract;
  feeds: OpenApiContract;
  orders: OpenApiContract;
  returns: OpenApiContract;
  notifications: OpenApiContract;
  /** Item Management: getAllItems (the simulator reads the catalog with it; itemBulkUploads and getAnItem stay hand-checked). */
  items: OpenApiContract;
}

/**
 * getReturns' four date parameters say `format: date-time`, which refuses a bare date, while their
 * own words allow one ("Date example: '2013-08-16'"); their format is checked by hand instead, as
 * getAllOrders' dates are (returns.ts, readDate).
 */
const RETURNS_DATE_PARAMETERS = [5, 6, 7, 8]; // returnCreationStartDate, -EndDate, returnLastModifiedStartDate, -EndDate
const returnsCorrections = Object.fromEntries(RETURNS_DATE_PARAMETERS.map((i) => [`/paths/~1v3~1returns/get/parameters/${i}/schema`, { type: "string" }]));

let loaded: WalmartContracts | null = null;

/** Loaded once per process: the orders definition alone is 2.8 MB of YAML. */
export function walmartContracts(): WalmartContracts {
  loaded ??= {
    inventory: new OpenApiContract(`${DIR}/walmart-marketplace-inventory-openapi-original.yml`),
    prices: new OpenApiContract(`${DIR}/walmart-marketplace-prices-openapi-original.yml`),
    feeds: new OpenApiContract(`${DIR}/walmart-marketplace-feeds-openapi-original.yml`),
    orders: new OpenApiContract(`${DIR}/walmart-marketplace-orders-openapi-original.yml`),
    returns: new OpenApiContract(`${DIR}/walmart-marketplace-returns-openapi-original.yml`, "", { corrections: returnsCorrections }),
    notifications: new OpenApiContract(`${DIR}/walmart-marketplace-notifications-openapi-original.yml`),
    items: new OpenApiContract(`${DIR}/walmart-marketplace-items-openapi-original.yml`),
  };
  return loaded;
}

/** Which definition a request belongs to: the one with this path and method, else any with the path. */
export function contractFor(request: RequestToCheck): OpenApiContract {
  const contracts = walmartContracts();
  if (request.method === "POST" && request.path === "/v3/feeds") {
    return request.query.get("feedType") === "price" ? contracts.prices : contracts.inventory;
  }
  // Items last: its definition declares POST /v3/feeds again (itemBulkUploads), handled by hand.
  const ordered = [contracts.inventory, contracts.prices, contracts.feeds, contracts.orders, contracts.returns, contracts.notifications, contracts.items];
  const knows = (c: OpenApiContract, method?: string) => c.operations.some((op) => op.pattern.test(request.path) && (!method || op.method === method));
  return ordered.find((c) => knows(c, request.method.toUpperCase())) ?? ordered.find((c) => knows(c)) ?? contracts.inventory;
}

export type CheckedRequest = Extract<RequestCheck, { ok: true }> & { contract: OpenApiContract };

export function checkWalmartRequest(request: RequestToCheck): CheckedRequest | Extract<RequestCheck, { ok: false }> {
  const contract = contractFor(request);
  const check = contract.checkRequest(request);
  return check.ok ? { ...check, contract } : check;
}
