// Amazon's own definitions, as copied into simulators/contracts/amazon-sp-api: the SP-API models
// this simulator serves (Orders v0 only for confirmShipment, which the 2026-01-01 model lacks; FBA
// Inventory v1 for getInventorySummaries, Reports 2021-06-30 for the returns report), the JSON_LISTINGS_FEED document schema and its processing report schema,
// and the ORDER_CHANGE notification's schema.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { CONTRACTS_DIR, OpenApiContract, type RequestCheck, type RequestToCheck } from "../common/openapi";

const AMAZON_DIR = path.join(CONTRACTS_DIR, "amazon-sp-api");

/**
 * ordersV0.json comes last: Orders 2026-01-01 has no shipment confirmation, so confirmShipment is
 * still v0's (POST /orders/v0/orders/{orderId}/shipmentConfirmation). The other v0 operations are
 * recognised (their paths are real) but not served.
 */
export const MODEL_FILES = [
  "listingsItems_2021-08-01.json",
  "feeds_2021-06-30.json",
  "orders_2026-01-01.json",
  "fbaInventory.json",
  "reports_2021-06-30.json",
  "ordersV0.json",
] as const;

export type ModelFile = (typeof MODEL_FILES)[number];

export type CheckedRequest = Extract<RequestCheck, { ok: true }> & { contract: OpenApiContract; model: ModelFile };

let contracts: OpenApiContract[] | undefined;

export function amazonContracts(): OpenApiContract[] {
  contracts ??= MODEL_FILES.map((file) => new OpenApiContract(path.join(AMAZON_DIR, file)));
  return contracts;
}

/**
 * The paths of the models do not overlap (/listings, /feeds, /orders/2026-01-01, /fba/inventory/v1, /reports/2021-06-30, /orders/v0), so
 * the first model that knows the path decides; a 404 from all of them is a path SP-API does not have.
 */
export function checkAmazonRequest(request: RequestToCheck): CheckedRequest | Extract<RequestCheck, { ok: false }> {
  let answer: Extract<RequestCheck, { ok: false }> = { ok: false, status: 404, errors: [`no SP-API operation for ${request.path}`] };
  const contracts = amazonContracts();
  for (const [i, contract] of contracts.entries()) {
    const check = contract.checkRequest(request);
    if (check.ok) return { ...check, contract, model: MODEL_FILES[i] };
    if (check.status !== 404) return check;
    answer = check;
  }
  return answer;
}

/** Errors of a document against one of the JSON Schemas, in ajv's words; [] when it conforms. */
export type DocumentCheck = (document: unknown) => string[];

function schemaCheck(file: string): DocumentCheck {
  // Both schemas are draft-07 (their $schema), which is what ajv's default class implements.
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate: ValidateFunction = ajv.compile(JSON.parse(readFileSync(path.join(AMAZON_DIR, file), "utf8")) as object);
  return (document) => (validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`));
}

let feedCheck: DocumentCheck | undefined;
let reportCheck: DocumentCheck | undefined;
let orderChangeCheck: DocumentCheck | undefined;

export const checkListingsFeed: DocumentCheck = (document) => (feedCheck ??= schemaCheck("listings-feed-schema-v2.json"))(document);
export const checkProcessingReport: DocumentCheck = (document) => (reportCheck ??= schemaCheck("listings-feed-processing-report-schema-v2.json"))(document);
export const checkOrderChangeNotification: DocumentCheck = (document) => (orderChangeCheck ??= schemaCheck("OrderChangeNotification.json"))(document);

export interface UsagePlan {
  rate: number;
  burst: number;
}

/**
 * Each operation's default usage plan, read from the "Usage Plan" table Amazon writes into the
 * operation's description in the same models (e.g. patchListingsItem "| 5 | 5 |", createFeed
 * "| 0.0083 | 15 |", searchOrders "| 0.0056 | 20 |", getInventorySummaries "| 2 | 2 |" in fbaInventory.json,
 * confirmShipment "| 2 | 10 |" in ordersV0.json, createReport "| 0.0167 | 15 |" and getReport "| 2 | 15 |" in
 * reports_2021-06-30.json),
 * so the simulator enforces what the definition says rather than numbers copied by hand. Where two
 * models name the same operation (getOrder: v0 and 2026-01-01, both 0.5 and 30) the first model's
 * plan is kept.
 */
export function usagePlans(): Map<string, UsagePlan> {
  const plans = new Map<string, UsagePlan>();
  for (const file of MODEL_FILES) {
    const doc = JSON.parse(readFileSync(path.join(AMAZON_DIR, file), "utf8")) as {
      paths: Record<string, Record<string, { operationId?: string; description?: string }>>;
    };
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        const table = /\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\|[-\s|]+\|\s*\n\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/.exec(op?.description ?? "");
        if (op?.operationId && table && !plans.has(op.operationId)) plans.set(op.operationId, { rate: Number(table[1]), burst: Number(table[2]) });
      }
    }
  }
  return plans;
}

let mfnQuantityCheck: DocumentCheck | undefined;
let statusChangeCheck: DocumentCheck | undefined;

export const checkMfnQuantityChangeNotification: DocumentCheck = (document) =>
  (mfnQuantityCheck ??= schemaCheck("ListingsItemMfnQuantityChange.json"))(document);

/**
 * ListingsItemStatusChangeNotification.json's enum spells the type LISTINGS_ITEM_STATUS_CHANGED;
 * its own example and Amazon's notification type values say LISTINGS_ITEM_STATUS_CHANGE, which is
 * what Amazon sends. Everything else is checked as the schema says.
 */
export const checkStatusChangeNotification: DocumentCheck = (document) => {
  const check = (statusChangeCheck ??= schemaCheck("ListingsItemStatusChangeNotification.json"));
  const typed = document as { NotificationType?: unknown };
  if (typed?.NotificationType !== "LISTINGS_ITEM_STATUS_CHANGE") return [`/NotificationType is ${String(typed?.NotificationType)}`];
  return check({ ...typed, NotificationType: "LISTINGS_ITEM_STATUS_CHANGED" });
};
