// Purchase orders from GET /v3/orders (getAllOrders, walmart-marketplace-orders-openapi-original.yml)
// by last-modified time (lastModifiedStartDate), not creation date: a PO a buyer cancels after it
// was imported, or is refunded for, comes back as a change. getAllOrders lists one shipNodeType at
// a time and defaults to SellerFulfilled, so the POs Walmart Fulfillment Services ships
// (WFSFulfilled) are a second stream. Returns are a third (returns.ts): a parcel arriving back
// changes the return, not the PO, so each PO a changed return names is read again (getAnOrder)
// with its returns counted. Each stream keeps a watermark (watermark.ts), so each change arrives once.
import { ChannelError, type ImportedOrder, type ImportedOrderLine, type OrderPage } from "../connector";
import { readOrder, required } from "../order-reading";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";
import { ORDERS_PAGE_LIMIT } from "./limits";
import { changedReturnPos, countReturns, returnsOfCustomerOrder, type LineReturns } from "./returns";
import { readChanges, startOf, type StreamCursor, type Watermark } from "./watermark";

const DAY_MS = 86_400_000;
/** Without a cursor: Walmart's own default window, "current date - 7 days" (createdStartDate). */
const FIRST_WINDOW_MS = 7 * DAY_MS;
/**
 * createdStartDate still defaults to 7 days back when lastModifiedStartDate is given, which would
 * hide an older PO cancelled today; so it is always sent, as far back as Walmart lists ("Only
 * orders created in last 180 days ... can be fetched").
 */
const HISTORY_MS = 180 * DAY_MS;
/** Pages read per stream and fetchOrders call before handing back a cursor that resumes the result set. */
const MAX_PAGES_PER_CALL = 10;
/** shipNodeType: "SellerFulfilled(Default), WFSFulfilled and 3PLFulfilled". */
const STREAMS = ["SellerFulfilled", "WFSFulfilled"] as const;
type Stream = (typeof STREAMS)[number];

interface OrdersCursor {
  v: 3;
  /** Per ship node: the newest modification (latest line statusDate) delivered, and the POs at it. */
  streams: Record<Stream, StreamCursor>;
  /** The newest return change delivered, and the returnOrderIds at it. */
  returns: StreamCursor;
}

interface WalmartMoney {
  currency?: string;
  amount?: number;
}

/**
 * The states where Walmart collects and remits the sales tax on its sellers' orders as marketplace
 * facilitator ("Walmart certifies that it is registered to collect sales tax and will remit sales
 * and use tax on the sales of taxable items made through the Walmart Marketplace in the states
 * listed below", Marketplace Learn, "Sales tax collection", updated 2024-11-12; AK for its
 * localities). Elsewhere "You'll continue to receive taxes collected on orders delivered to all
 * other states": the seller remits them. The PO says only where it ships.
 */
const WALMART_REMITS_IN = new Set(
  "AK AL AR AZ CA CO CT DC FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS NC ND NE NJ NM NV NY OH OK PA PR RI SC SD TN TX UT VA VT WA WI WV WY".split(" "),
);

interface WalmartOrderLine {
  lineNumber?: string;
  item: { sku: string };
  orderLineQuantity?: { amount?: string };
  statusDate?: number;
  /** ChargeType: PRODUCT (ItemPrice) or SHIPPING, each with the tax on it (`tax.taxAmount`). */
  charges?: { charge?: Array<{ chargeType?: string; chargeAmount?: WalmartMoney; tax?: { taxName?: string; taxAmount?: WalmartMoney } }> };
  orderLineStatuses?: { orderLineStatus?: Array<{ status?: string; statusQuantity?: { amount?: string } }> };
}

interface WalmartOrder {
  purchaseOrderId: string;
  customerOrderId?: string;
  customerEmailId?: string;
  /** Epoch ms in getAllOrders, a date-time string in getAnOrder. */
  orderDate: number | string;
  shippingInfo?: { postalAddress?: Record<string, unknown> & { name?: string; state?: string } };
  orderLines?: { orderLine?: WalmartOrderLine[] };
  shipNode?: { type?: string };
}

interface OrdersAnswer {
  list?: { meta?: { nextCursor?: string }; elements?: { order?: WalmartOrder[] } };
}

export function encodeCursor(cursor: OrdersCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(since: string | null, now: number): OrdersCursor {
  const firstWindow = (): StreamCursor => ({ from: now - FIRST_WINDOW_MS, seen: [] });
  const fresh = (watermark: Watermark): OrdersCursor => ({
    v: 3,
    streams: { SellerFulfilled: { ...watermark }, WFSFulfilled: { ...watermark, seen: [...watermark.seen] } },
    returns: firstWindow(),
  });
  if (!since) return fresh(firstWindow());
  const decoded = JSON.parse(Buffer.from(since, "base64url").toString("utf8")) as OrdersCursor | { v: 2; streams: OrdersCursor["streams"] } | StreamCursor;
  if ("v" in decoded && decoded.v === 3) return decoded;
  // A cursor from before returns were read: its order streams go on, returns start a first window back.
  if ("v" in decoded && decoded.v === 2) return { v: 3, streams: decoded.streams, returns: firstWindow() };
  // A cursor of the creation-date reading: its watermark (a creation time) starts both streams;
  // an unfinished result set is read again from it rather than resumed.
  const old = decoded as StreamCursor;
  return fresh({ from: old.from, seen: old.seen });
}

const cents = (money: WalmartMoney | undefined) => Math.round((money?.amount ?? 0) * 100);

const orderedAt = (order: WalmartOrder) => (typeof order.orderDate === "number" ? order.orderDate : Date.parse(order.orderDate));

/** When Walmart last changed the PO as far as its answer shows: the newest line statusDate ("The date shown on the recent order status"). */
export function modifiedAt(order: WalmartOrder): number {
  const ordered = orderedAt(order);
  return Math.max(ordered, ...(order.orderLines?.orderLine ?? []).map((l) => l.statusDate ?? ordered));
}

/** Units of the line in orderLineStatus entries of `status` (each entry carries its statusQuantity). */
function unitsIn(line: WalmartOrderLine, status: "Cancelled" | "Refund", quantity: number): number {
  const statuses = line.orderLineStatuses?.orderLineStatus ?? [];
  if (statuses.length > 0 && statuses.every((s) => s.status === status)) return quantity;
  const units = statuses.filter((s) => s.status === status).reduce((sum, s) => sum + (Number(s.statusQuantity?.amount) || 0), 0);
  return Math.min(quantity, units);
}

/**
 * The PO as Anchorline reads it. Per line: the sales tax on its PRODUCT charges (null when none
 * carries a tax), collected by Walmart where it remits in the PO's ship-to state (WALMART_REMITS_IN);
 * cancelled units (Cancelled entries) and refunded ones,
 * cancelled units included: the larger of its `Refund` entries and its returns' refundedQty. Units
 * received back are known only from the returns (`returns`, read for the POs whose returns
 * changed); without them returnedQuantity is left unset rather than said to be 0.
 */
export function toImportedOrder(order: WalmartOrder, returns?: LineReturns): ImportedOrder {
  const lines = order.orderLines?.orderLine ?? [];
  const remitted = WALMART_REMITS_IN.has(order.shippingInfo?.postalAddress?.state ?? "");
  let totalCents = 0;
  let currencyCode: string | null = null;
  const imported = lines.map((line, i): ImportedOrderLine => {
    const quantity = Number(line.orderLineQuantity?.amount ?? 0);
    const product = (line.charges?.charge ?? []).filter((c) => c.chargeType === "PRODUCT");
    const lineCents = product.reduce((sum, c) => sum + cents(c.chargeAmount), 0);
    const taxed = product.filter((c) => c.tax?.taxAmount);
    currencyCode ??= product[0]?.chargeAmount?.currency ?? null;
    totalCents += lineCents;
    const cancelledQuantity = unitsIn(line, "Cancelled", quantity);
    const back = line.lineNumber === undefined ? undefined : returns?.get(line.lineNumber);
    return {
      channelSku: required(line.item?.sku, `orderLines.orderLine[${i}].item.sku`),
      quantity,
      priceCents: quantity ? Math.round(lineCents / quantity) : null,
      ...(taxed.length ? { taxCents: taxed.reduce((sum, c) => sum + cents(c.tax?.taxAmount), 0), taxCollectedByMarketplace: remitted } : { taxCents: null }),
      cancelledQuantity,
      refundedQuantity: Math.min(quantity, cancelledQuantity + Math.max(unitsIn(line, "Refund", quantity), back?.refunded ?? 0)),
      ...(returns ? { returnedQuantity: Math.min(quantity, back?.returned ?? 0) } : {}),
    };
  });
  const cancelled = imported.length > 0 && imported.every((l) => l.quantity > 0 && l.cancelledQuantity === l.quantity);
  // The status of the units still live: the first line's first status that is not Cancelled.
  const live = lines.flatMap((l) => l.orderLineStatuses?.orderLineStatus ?? []).find((s) => s.status && s.status !== "Cancelled");
  const address = order.shippingInfo?.postalAddress ?? null;
  return {
    externalOrderId: order.purchaseOrderId,
    status: cancelled ? "Cancelled" : (live?.status ?? "Created"),
    orderedAt: new Date(orderedAt(order)),
    updatedAt: new Date(modifiedAt(order)),
    currencyCode,
    totalCents,
    buyer: { name: address?.name ?? null, email: order.customerEmailId ?? null, address },
    lines: imported,
    cancelled,
    fulfilledByMarketplace: order.shipNode?.type === "WFSFulfilled",
  };
}

/** One ship node's POs modified since the stream's watermark, in whatever order Walmart lists them. */
async function fetchStream(client: WalmartClient, stream: Stream, cursor: StreamCursor, retry: RetryOptions, now: number) {
  const query = {
    createdStartDate: new Date(now - HISTORY_MS).toISOString(),
    lastModifiedStartDate: startOf(cursor),
    shipNodeType: stream,
    limit: String(ORDERS_PAGE_LIMIT),
  };
  const read = await readChanges(
    cursor,
    async (resume) => {
      const call = resume ? { rawQuery: resume } : { query };
      const answer = await withRetry(() => client.request<OrdersAnswer>({ method: "GET", path: "/v3/orders", ...call }), retry);
      return { items: answer.list?.elements?.order ?? [], nextCursor: answer.list?.meta?.nextCursor };
    },
    (order) => ({ id: order.purchaseOrderId, at: modifiedAt(order) }),
    MAX_PAGES_PER_CALL,
  );
  return { orders: read.changed.map((order) => readOrder(order, toImportedOrder, (raw) => raw.purchaseOrderId)), cursor: read.cursor };
}

/** One PO as getAnOrder answers it; null when Walmart finds none by that id for this seller. */
async function getAnOrder(client: WalmartClient, purchaseOrderId: string, retry: RetryOptions): Promise<WalmartOrder | null> {
  try {
    return await withRetry(() => client.request<WalmartOrder>({ method: "GET", path: `/v3/orders/${encodeURIComponent(purchaseOrderId)}` }), retry);
  } catch (error) {
    if (error instanceof ChannelError && error.details.status === 404) return null;
    throw error;
  }
}

/** A PO a notification named, read whole (getAnOrder); null when Walmart finds none for this seller. */
export async function fetchOrder(client: WalmartClient, purchaseOrderId: string, retry: RetryOptions): Promise<ImportedOrder | null> {
  const po = await getAnOrder(client, purchaseOrderId, retry);
  return po
    ? readOrder(
        po,
        (raw) => toImportedOrder(raw),
        (raw) => raw.purchaseOrderId,
      )
    : null;
}

/**
 * The POs whose returns changed since the returns stream's watermark, each read whole (getAnOrder)
 * with every return of its customer order counted per line. A PO Walmart no longer finds is left out.
 */
async function fetchReturnedOrders(client: WalmartClient, cursor: StreamCursor, retry: RetryOptions) {
  const changed = await changedReturnPos(client, cursor, retry);
  const orders: ImportedOrder[] = [];
  for (const purchaseOrderId of changed.purchaseOrderIds) {
    const po = await getAnOrder(client, purchaseOrderId, retry);
    if (!po) continue;
    const returns = po.customerOrderId ? await returnsOfCustomerOrder(client, po.customerOrderId, retry) : [];
    orders.push(
      readOrder(
        po,
        (raw) => toImportedOrder(raw, countReturns(returns, purchaseOrderId)),
        (raw) => raw.purchaseOrderId,
      ),
    );
  }
  return { orders, cursor: changed.cursor };
}

export async function fetchOrders(client: WalmartClient, since: string | null, retry: RetryOptions, now = Date.now()): Promise<OrderPage> {
  const cursor = decodeCursor(since, now);
  const orders: ImportedOrder[] = [];
  const streams = { ...cursor.streams };
  for (const stream of STREAMS) {
    const read = await fetchStream(client, stream, cursor.streams[stream], retry, now);
    orders.push(...read.orders);
    streams[stream] = read.cursor;
  }
  // A PO read again for its returns is the fuller view, read after the streams: it stands for both.
  const returned = await fetchReturnedOrders(client, cursor.returns, retry);
  const reread = new Set(returned.orders.map((o) => o.externalOrderId));
  return {
    orders: [...orders.filter((o) => !reread.has(o.externalOrderId)), ...returned.orders],
    cursor: encodeCursor({ v: 3, streams, returns: returned.cursor }),
  };
}
