// Orders from POST /order/202309/orders/search, oldest first by create_time, paged with
// page_token. The cursor keeps the newest create_time delivered and the order ids delivered at
// that second (create_time_ge is inclusive and seconds are coarse), plus TikTok's page token
// while a result set is only partly read; so each order arrives once.
import type { ImportedOrder, OrderPage } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { ORDERS_PAGE_SIZE, PATHS } from "./limits";

/** Without a cursor, start a week back (our choice: matches the Walmart module's first window). */
const FIRST_WINDOW_SECONDS = 7 * 86_400;
const MAX_PAGES_PER_CALL = 10;

interface Watermark {
  /** Epoch seconds. */
  from: number;
  seen: string[];
}

interface OrdersCursor extends Watermark {
  pageToken?: string;
  next?: Watermark;
}

interface TikTokOrder {
  id: string;
  status: string;
  create_time: number;
  buyer_email?: string;
  payment?: { currency?: string; total_amount?: string };
  recipient_address?: Record<string, unknown> & { name?: string };
  line_items?: Array<{ sku_id: string; sale_price?: string; currency?: string }>;
}

interface SearchAnswer {
  orders?: TikTokOrder[];
  next_page_token?: string;
}

const toCents = (amount: string | undefined) => (amount === undefined || amount === "" ? null : Math.round(Number(amount) * 100));

/** TikTok lists one line item per unit sold; they are counted back into one line per SKU. */
export function toImportedOrder(order: TikTokOrder): ImportedOrder {
  const lines = new Map<string, { channelSku: string; quantity: number; priceCents: number | null }>();
  for (const item of order.line_items ?? []) {
    const line = lines.get(item.sku_id) ?? { channelSku: item.sku_id, quantity: 0, priceCents: toCents(item.sale_price) };
    line.quantity += 1;
    lines.set(item.sku_id, line);
  }
  const address = order.recipient_address ?? null;
  return {
    externalOrderId: order.id,
    status: order.status,
    orderedAt: new Date(order.create_time * 1000),
    currencyCode: order.payment?.currency ?? order.line_items?.[0]?.currency ?? null,
    totalCents: toCents(order.payment?.total_amount),
    buyer: { name: address?.name ?? null, email: order.buyer_email ?? null, address },
    lines: [...lines.values()],
    cancelled: order.status === "CANCELLED",
  };
}

const encode = (cursor: OrdersCursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decode(since: string | null, nowSeconds: number): OrdersCursor {
  if (!since) return { from: nowSeconds - FIRST_WINDOW_SECONDS, seen: [] };
  return JSON.parse(Buffer.from(since, "base64url").toString("utf8")) as OrdersCursor;
}

export async function fetchOrders(client: TikTokClient, since: string | null, retry: RetryOptions, nowMs = Date.now()): Promise<OrderPage> {
  const cursor = decode(since, Math.floor(nowMs / 1000));
  const delivered = new Set(cursor.seen);
  const next = { from: cursor.next?.from ?? cursor.from, seen: new Set(cursor.next?.seen ?? cursor.seen) };
  let pageToken = cursor.pageToken;
  const orders: ImportedOrder[] = [];
  for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
    const query: Record<string, string> = { page_size: String(ORDERS_PAGE_SIZE), sort_field: "create_time", sort_order: "ASC" };
    if (pageToken) query.page_token = pageToken;
    const answer = await withRetry(
      () => client.request<SearchAnswer>({ method: "POST", path: PATHS.ordersSearch, query, body: { create_time_ge: cursor.from } }),
      retry,
    );
    for (const order of answer.orders ?? []) {
      if (order.create_time < cursor.from || (order.create_time === cursor.from && delivered.has(order.id))) continue;
      if (order.create_time === next.from && next.seen.has(order.id)) continue;
      if (order.create_time > next.from) {
        next.from = order.create_time;
        next.seen.clear();
      }
      if (order.create_time === next.from) next.seen.add(order.id);
      orders.push(toImportedOrder(order));
    }
    pageToken = answer.next_page_token || undefined;
    if (!pageToken) break;
  }
  const watermark = { from: next.from, seen: [...next.seen] };
  return { orders, cursor: encode(pageToken ? { from: cursor.from, seen: cursor.seen, pageToken, next: watermark } : watermark) };
}
