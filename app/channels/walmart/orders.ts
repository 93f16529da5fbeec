// Purchase orders from GET /v3/orders (getAllOrders, walmart-marketplace-orders-openapi-original.yml)
// by last-modified time (lastModifiedStartDate), not creation date: a PO a buyer cancels after it
// was imported comes back as a change. getAllOrders lists one shipNodeType at a time and defaults
// to SellerFulfilled, so the POs Walmart Fulfillment Services ships (WFSFulfilled) are a second
// stream. Each stream's cursor remembers the newest modification delivered and the POs delivered
// at exactly that instant (the start is read inclusively, and a little before it), plus Walmart's
// own nextCursor while a result set is being paged through; so each change arrives once.
import type { ImportedOrder, ImportedOrderLine, OrderPage } from "../connector";
import { readOrder } from "../order-reading";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";
import { ORDERS_PAGE_LIMIT } from "./limits";

const DAY_MS = 86_400_000;
/** Without a cursor: Walmart's own default window, "current date - 7 days" (createdStartDate). */
const FIRST_WINDOW_MS = 7 * DAY_MS;
/**
 * createdStartDate still defaults to 7 days back when lastModifiedStartDate is given, which would
 * hide an older PO cancelled today; so it is always sent, as far back as Walmart lists ("Only
 * orders created in last 180 days ... can be fetched").
 */
const HISTORY_MS = 180 * DAY_MS;
/**
 * lastModifiedStartDate is asked this much before the watermark: the definition says neither
 * whether "modified after this date" includes the instant nor whether milliseconds count (its
 * examples are to the second). What was already delivered is dropped here by its time and id.
 */
const OVERLAP_MS = 1000;
/** Pages read per stream and fetchOrders call before handing back a cursor that resumes the result set. */
const MAX_PAGES_PER_CALL = 10;
/** shipNodeType: "SellerFulfilled(Default), WFSFulfilled and 3PLFulfilled". */
const STREAMS = ["SellerFulfilled", "WFSFulfilled"] as const;
type Stream = (typeof STREAMS)[number];

interface Watermark {
  /** Epoch ms: the newest modification (latest line statusDate) delivered. */
  from: number;
  /** purchaseOrderIds delivered whose modification time equals `from`. */
  seen: string[];
}

interface StreamCursor extends Watermark {
  /** While a result set is only partly read: Walmart's nextCursor, and the watermark so far. */
  resume?: string;
  next?: Watermark;
}

interface OrdersCursor {
  v: 2;
  streams: Record<Stream, StreamCursor>;
}

interface WalmartMoney {
  currency?: string;
  amount?: number;
}

interface WalmartOrderLine {
  item: { sku: string };
  orderLineQuantity?: { amount?: string };
  statusDate?: number;
  charges?: { charge?: Array<{ chargeType?: string; chargeAmount?: WalmartMoney }> };
  orderLineStatuses?: { orderLineStatus?: Array<{ status?: string; statusQuantity?: { amount?: string } }> };
}

interface WalmartOrder {
  purchaseOrderId: string;
  customerEmailId?: string;
  orderDate: number;
  shippingInfo?: { postalAddress?: Record<string, unknown> & { name?: string } };
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
  const fresh = (watermark: Watermark): OrdersCursor => ({
    v: 2,
    streams: { SellerFulfilled: { ...watermark }, WFSFulfilled: { ...watermark, seen: [...watermark.seen] } },
  });
  if (!since) return fresh({ from: now - FIRST_WINDOW_MS, seen: [] });
  const decoded = JSON.parse(Buffer.from(since, "base64url").toString("utf8")) as OrdersCursor | StreamCursor;
  if ("v" in decoded && decoded.v === 2) return decoded;
  // A cursor of the creation-date reading: its watermark (a creation time) starts both streams;
  // an unfinished result set is read again from it rather than resumed.
  const old = decoded as StreamCursor;
  return fresh({ from: old.from, seen: old.seen });
}

const cents = (money: WalmartMoney | undefined) => Math.round((money?.amount ?? 0) * 100);

/** When Walmart last changed the PO as far as its answer shows: the newest line statusDate ("The date shown on the recent order status"). */
export function modifiedAt(order: WalmartOrder): number {
  return Math.max(order.orderDate, ...(order.orderLines?.orderLine ?? []).map((l) => l.statusDate ?? order.orderDate));
}

/** Units of the line in a Cancelled orderLineStatus entry (each entry carries its statusQuantity). */
function cancelledUnits(line: WalmartOrderLine, quantity: number): number {
  const statuses = line.orderLineStatuses?.orderLineStatus ?? [];
  if (statuses.length > 0 && statuses.every((s) => s.status === "Cancelled")) return quantity;
  const units = statuses.filter((s) => s.status === "Cancelled").reduce((sum, s) => sum + (Number(s.statusQuantity?.amount) || 0), 0);
  return Math.min(quantity, units);
}

export function toImportedOrder(order: WalmartOrder): ImportedOrder {
  const lines = order.orderLines?.orderLine ?? [];
  let totalCents = 0;
  let currencyCode: string | null = null;
  const imported = lines.map((line): ImportedOrderLine => {
    const quantity = Number(line.orderLineQuantity?.amount ?? 0);
    const product = (line.charges?.charge ?? []).filter((c) => c.chargeType === "PRODUCT");
    const lineCents = product.reduce((sum, c) => sum + cents(c.chargeAmount), 0);
    currencyCode ??= product[0]?.chargeAmount?.currency ?? null;
    totalCents += lineCents;
    return {
      channelSku: line.item.sku,
      quantity,
      priceCents: quantity ? Math.round(lineCents / quantity) : null,
      cancelledQuantity: cancelledUnits(line, quantity),
    };
  });
  const cancelled = imported.length > 0 && imported.every((l) => l.quantity > 0 && l.cancelledQuantity === l.quantity);
  // The status of the units still live: the first line's first status that is not Cancelled.
  const live = lines.flatMap((l) => l.orderLineStatuses?.orderLineStatus ?? []).find((s) => s.status && s.status !== "Cancelled");
  const address = order.shippingInfo?.postalAddress ?? null;
  return {
    externalOrderId: order.purchaseOrderId,
    status: cancelled ? "Cancelled" : (live?.status ?? "Created"),
    orderedAt: new Date(order.orderDate),
    updatedAt: new Date(modifiedAt(order)),
    currencyCode,
    totalCents,
    buyer: { name: address?.name ?? null, email: order.customerEmailId ?? null, address },
    lines: imported,
    cancelled,
    fulfilledByMarketplace: order.shipNode?.type === "WFSFulfilled",
  };
}

/**
 * Reads one ship node's POs modified since the stream's watermark, in whatever order Walmart
 * lists them, and moves the watermark to the newest modification seen only once the whole result
 * set has been read.
 */
async function fetchStream(client: WalmartClient, stream: Stream, cursor: StreamCursor, retry: RetryOptions, now: number) {
  const delivered = new Set(cursor.seen);
  const next = { from: cursor.next?.from ?? cursor.from, seen: new Set(cursor.next?.seen ?? cursor.seen) };
  const thisCall = new Set<string>();
  let resume = cursor.resume;
  const orders: ImportedOrder[] = [];
  for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
    const query = {
      createdStartDate: new Date(now - HISTORY_MS).toISOString(),
      lastModifiedStartDate: new Date(cursor.from - OVERLAP_MS).toISOString(),
      shipNodeType: stream,
      limit: String(ORDERS_PAGE_LIMIT),
    };
    const call = resume ? { method: "GET" as const, path: "/v3/orders", rawQuery: resume } : { method: "GET" as const, path: "/v3/orders", query };
    const answer = await withRetry(() => client.request<OrdersAnswer>(call), retry);
    for (const order of answer.list?.elements?.order ?? []) {
      const id = order.purchaseOrderId;
      const at = modifiedAt(order);
      if (at < cursor.from || (at === cursor.from && delivered.has(id))) continue;
      if (at === next.from && next.seen.has(id)) continue;
      if (thisCall.has(`${id}@${at}`)) continue;
      thisCall.add(`${id}@${at}`);
      if (at > next.from) {
        next.from = at;
        next.seen.clear();
      }
      if (at === next.from) next.seen.add(id);
      orders.push(readOrder(order, toImportedOrder, (raw) => raw.purchaseOrderId));
    }
    resume = answer.list?.meta?.nextCursor || undefined;
    if (!resume) break;
  }
  const watermark = { from: next.from, seen: [...next.seen] };
  const out: StreamCursor = resume ? { from: cursor.from, seen: cursor.seen, resume, next: watermark } : watermark;
  return { orders, cursor: out };
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
  return { orders, cursor: encodeCursor({ v: 2, streams }) };
}
