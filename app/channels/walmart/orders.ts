// New purchase orders from GET /v3/orders, by creation date. The cursor remembers the newest
// orderDate delivered and the POs delivered at exactly that instant (createdStartDate is
// inclusive), plus Walmart's own nextCursor while a result set is being paged through; so each
// PO arrives once.
import type { ImportedOrder, OrderPage } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";
import { ORDERS_PAGE_LIMIT } from "./limits";

/** Without a cursor: Walmart's own default window, "current date - 7 days" (createdStartDate). */
const FIRST_WINDOW_MS = 7 * 86_400_000;
/** Pages read per fetchOrders call before handing back a cursor that resumes the result set. */
const MAX_PAGES_PER_CALL = 10;

interface Watermark {
  /** Epoch ms: the newest orderDate delivered. */
  from: number;
  /** purchaseOrderIds delivered whose orderDate equals `from`. */
  seen: string[];
}

interface OrdersCursor extends Watermark {
  /** While a result set is only partly read: Walmart's nextCursor, and the watermark so far. */
  resume?: string;
  next?: Watermark;
}

interface WalmartMoney {
  currency?: string;
  amount?: number;
}

interface WalmartOrder {
  purchaseOrderId: string;
  customerEmailId?: string;
  orderDate: number;
  shippingInfo?: { postalAddress?: Record<string, unknown> & { name?: string } };
  orderLines?: {
    orderLine?: Array<{
      item: { sku: string };
      orderLineQuantity?: { amount?: string };
      charges?: { charge?: Array<{ chargeType?: string; chargeAmount?: WalmartMoney }> };
      orderLineStatuses?: { orderLineStatus?: Array<{ status?: string }> };
    }>;
  };
}

interface OrdersAnswer {
  list?: { meta?: { nextCursor?: string }; elements?: { order?: WalmartOrder[] } };
}

export function encodeCursor(cursor: OrdersCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(since: string | null, now: number): OrdersCursor {
  if (!since) return { from: now - FIRST_WINDOW_MS, seen: [] };
  return JSON.parse(Buffer.from(since, "base64url").toString("utf8")) as OrdersCursor;
}

const cents = (money: WalmartMoney | undefined) => Math.round((money?.amount ?? 0) * 100);

export function toImportedOrder(order: WalmartOrder): ImportedOrder {
  const lines = order.orderLines?.orderLine ?? [];
  const statuses = lines.map((l) => l.orderLineStatuses?.orderLineStatus?.at(-1)?.status ?? "Created");
  let totalCents = 0;
  let currencyCode: string | null = null;
  const imported = lines.map((line) => {
    const quantity = Number(line.orderLineQuantity?.amount ?? 0);
    const product = (line.charges?.charge ?? []).filter((c) => c.chargeType === "PRODUCT");
    const lineCents = product.reduce((sum, c) => sum + cents(c.chargeAmount), 0);
    currencyCode ??= product[0]?.chargeAmount?.currency ?? null;
    totalCents += lineCents;
    return { channelSku: line.item.sku, quantity, priceCents: quantity ? Math.round(lineCents / quantity) : null };
  });
  const cancelled = statuses.length > 0 && statuses.every((s) => s === "Cancelled");
  const address = order.shippingInfo?.postalAddress ?? null;
  return {
    externalOrderId: order.purchaseOrderId,
    status: cancelled ? "Cancelled" : (statuses[0] ?? "Created"),
    orderedAt: new Date(order.orderDate),
    currencyCode,
    totalCents,
    buyer: { name: address?.name ?? null, email: order.customerEmailId ?? null, address },
    lines: imported,
    cancelled,
  };
}

/**
 * Reads the window that starts at the cursor's watermark, in whatever order Walmart lists it, and
 * moves the watermark to the newest order seen only once the whole window has been read.
 */
export async function fetchOrders(client: WalmartClient, since: string | null, retry: RetryOptions, now = Date.now()): Promise<OrderPage> {
  const cursor = decodeCursor(since, now);
  const delivered = new Set(cursor.seen);
  const next = { from: cursor.next?.from ?? cursor.from, seen: new Set(cursor.next?.seen ?? cursor.seen) };
  let resume = cursor.resume;
  const orders: ImportedOrder[] = [];
  for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
    const call = resume
      ? { method: "GET" as const, path: "/v3/orders", rawQuery: resume }
      : { method: "GET" as const, path: "/v3/orders", query: { createdStartDate: new Date(cursor.from).toISOString(), limit: String(ORDERS_PAGE_LIMIT) } };
    const answer = await withRetry(() => client.request<OrdersAnswer>(call), retry);
    for (const order of answer.list?.elements?.order ?? []) {
      const id = order.purchaseOrderId;
      if (order.orderDate < cursor.from || (order.orderDate === cursor.from && delivered.has(id))) continue;
      if (order.orderDate === next.from && next.seen.has(id)) continue;
      if (order.orderDate > next.from) {
        next.from = order.orderDate;
        next.seen.clear();
      }
      if (order.orderDate === next.from) next.seen.add(id);
      orders.push(toImportedOrder(order));
    }
    resume = answer.list?.meta?.nextCursor || undefined;
    if (!resume) break;
  }
  const watermark = { from: next.from, seen: [...next.seen] };
  const cursorOut: OrdersCursor = resume ? { from: cursor.from, seen: cursor.seen, resume, next: watermark } : watermark;
  return { orders, cursor: encodeCursor(cursorOut) };
}
