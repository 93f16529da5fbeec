// Buyers' returns from GET /v3/returns (getReturns, walmart-marketplace-returns-openapi-original.yml).
// A return travelling back or arriving at the return center changes the return order, not the PO,
// so returns are a stream of their own, read by returnLastModifiedStartDate; each PO a changed
// return names is then read whole (orders.ts), with every return of its customer order counted:
// units received back (a delivery event) and units refunded (`refundedQty`), per PO line.
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";
import { readChanges, startOf, type StreamCursor } from "./watermark";

/** getReturns' `limit`: "Cannot be larger than 200". */
const RETURNS_PAGE_LIMIT = 200;
/**
 * Changed returns read per fetchOrders call (one page), our choice: each costs up to two calls
 * more (its customer order's returns, its PO), so a backlog is worked through over a few polls.
 */
const CHANGED_RETURNS_PER_CALL = 100;
/** Pages of one customer order's returns read before giving up on the rest (our choice; an order has a handful). */
const MAX_PAGES_PER_ORDER = 5;
/**
 * The returnTrackingDetail events after which the parcel is at the return center (Walmart's
 * "Returns status" table, developer.walmart.com Returns API overview).
 */
const RECEIVED_EVENTS = new Set(["DELIVERED_AT_RETURN_CENTER", "DELIVERED_AFTER_INVOICE"]);
/** A line's `status` once its parcel arrived (DELIVERED_AT_RETURN_CENTER). */
const RECEIVED_STATUS = "DELIVERED";

interface WalmartReturnLine {
  purchaseOrderId?: string;
  purchaseOrderLineNumber?: number;
  item?: { sku?: string };
  quantity?: { measurementValue?: number };
  refundedQty?: number;
  status?: string;
  statusTime?: string;
  returnTrackingDetail?: Array<{ eventTag?: string; eventTime?: string }>;
  currentTrackingStatuses?: Array<{ statusTime?: string }>;
}

export interface WalmartReturn {
  returnOrderId: string;
  returnOrderDate?: string;
  returnOrderLines?: WalmartReturnLine[];
}

interface ReturnsAnswer {
  meta?: { nextCursor?: string };
  returnOrders?: WalmartReturn[];
}

/** Units of one PO line given back, as the returns say now. */
export interface ReturnedUnits {
  returned: number;
  refunded: number;
}

/** PO line number → units given back, for one PO. */
export type LineReturns = Map<string, ReturnedUnits>;

const ms = (time: string | undefined) => (time ? Date.parse(time) : Number.NaN);

/** When Walmart last changed the return as far as its answer shows (it has no last-modified field): its newest status or event. */
export function returnModifiedAt(ret: WalmartReturn): number {
  const times = [ms(ret.returnOrderDate)];
  for (const line of ret.returnOrderLines ?? []) {
    times.push(ms(line.statusTime), ...(line.returnTrackingDetail ?? []).map((e) => ms(e.eventTime)));
    times.push(...(line.currentTrackingStatuses ?? []).map((s) => ms(s.statusTime)));
  }
  return Math.max(0, ...times.filter(Number.isFinite));
}

/**
 * Per PO line of `purchaseOrderId`: units received back at the return center (a line whose parcel
 * was delivered, before or after its refund) and units refunded (`refundedQty`: "The quantity for
 * which customer was refunded"). A cancelled return counts nothing.
 */
export function countReturns(returns: WalmartReturn[], purchaseOrderId: string): LineReturns {
  const counts: LineReturns = new Map();
  for (const line of returns.flatMap((r) => r.returnOrderLines ?? [])) {
    if (line.purchaseOrderId !== purchaseOrderId || line.purchaseOrderLineNumber === undefined) continue;
    const units = line.quantity?.measurementValue ?? 0;
    const received = line.status === RECEIVED_STATUS || (line.returnTrackingDetail ?? []).some((e) => RECEIVED_EVENTS.has(e.eventTag ?? ""));
    const key = String(line.purchaseOrderLineNumber);
    const count = counts.get(key) ?? { returned: 0, refunded: 0 };
    count.returned += received ? units : 0;
    count.refunded += Math.min(units, line.refundedQty ?? 0);
    counts.set(key, count);
  }
  return counts;
}

/** The POs whose returns changed since the returns stream's watermark, and the cursor to pass next. */
export async function changedReturnPos(client: WalmartClient, cursor: StreamCursor, retry: RetryOptions) {
  const first = { returnLastModifiedStartDate: startOf(cursor), limit: String(CHANGED_RETURNS_PER_CALL) };
  const read = await readChanges(
    cursor,
    async (resume) => {
      const call = resume ? { rawQuery: resume } : { query: first };
      const answer = await withRetry(() => client.request<ReturnsAnswer>({ method: "GET", path: "/v3/returns", ...call }), retry);
      return { items: answer.returnOrders ?? [], nextCursor: answer.meta?.nextCursor };
    },
    (ret) => ({ id: ret.returnOrderId, at: returnModifiedAt(ret) }),
    1,
  );
  const pos = read.changed.flatMap((ret) => (ret.returnOrderLines ?? []).flatMap((line) => (line.purchaseOrderId ? [line.purchaseOrderId] : [])));
  return { purchaseOrderIds: [...new Set(pos)], cursor: read.cursor };
}

/** Every return of a customer order (getReturns by customerOrderId), whenever it was made. */
export async function returnsOfCustomerOrder(client: WalmartClient, customerOrderId: string, retry: RetryOptions): Promise<WalmartReturn[]> {
  const found: WalmartReturn[] = [];
  let resume: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_ORDER; page++) {
    const call = resume ? { rawQuery: resume } : { query: { customerOrderId, limit: String(RETURNS_PAGE_LIMIT) } };
    const answer = await withRetry(() => client.request<ReturnsAnswer>({ method: "GET", path: "/v3/returns", ...call }), retry);
    found.push(...(answer.returnOrders ?? []));
    resume = (answer.returnOrders?.length && answer.meta?.nextCursor) || undefined;
    if (!resume) break;
  }
  return found;
}
