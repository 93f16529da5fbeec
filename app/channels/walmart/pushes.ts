// Quantities and prices to Walmart: one call per SKU for small batches (PUT /v3/inventory?sku=,
// PUT /v3/price), feeds of up to FEED_MAX_ITEMS for large ones (feedThreshold in limits.ts).
import { ChannelError, type FeedPolling, type PriceUpdate, type PushOutcome, type QuantityUpdate } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";
import { runFeed, type FeedType } from "./feeds";
import { FEED_MAX_ITEMS, FEED_THRESHOLD } from "./limits";

export interface PushContext {
  client: WalmartClient;
  retry: RetryOptions;
  polling: FeedPolling;
}

/** Walmart's price definitions accept only these currencies (currentPrice.currency enum). */
const WALMART_CURRENCIES = new Set(["USD", "CAD"]);

/** One SKU's call: its answer, or its own failure as its outcome; failed credentials stop the whole push. */
export async function answerOrFailure<T>(channelSku: string, call: () => Promise<T>, retry: RetryOptions): Promise<{ answer: T } | { failure: PushOutcome }> {
  try {
    return { answer: await withRetry(call, retry) };
  } catch (error) {
    if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
    if (error.retryable) return { failure: { channelSku, status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs } };
    return { failure: { channelSku, status: "rejected", message: error.message, code: error.details.code ?? String(error.details.status ?? "") } };
  }
}

async function singleOutcome(channelSku: string, call: () => Promise<unknown>, retry: RetryOptions): Promise<PushOutcome> {
  const result = await answerOrFailure(channelSku, call, retry);
  return "failure" in result ? result.failure : { channelSku, status: "accepted" };
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function sequential<T>(items: T[], run: (item: T) => Promise<PushOutcome[]>): Promise<PushOutcome[]> {
  const outcomes: PushOutcome[] = [];
  for (const item of items) outcomes.push(...(await run(item)));
  return outcomes;
}

const walmartQuantity = (quantity: number) => ({ unit: "EACH" as const, amount: Math.max(0, Math.floor(quantity)) });

/**
 * Single calls for a push the single calls' burst carries; feeds of up to FEED_MAX_ITEMS for a
 * larger one, and single calls again for a feed refused because the hour's feeds are spent.
 */
function singlesOrFeeds<U extends { channelSku: string }>(
  context: PushContext,
  updates: U[],
  single: (update: U) => Promise<unknown>,
  feed: { type: FeedType; file: (batch: U[]) => unknown },
): Promise<PushOutcome[]> {
  const singles = (batch: U[]) => sequential(batch, async (u) => [await singleOutcome(u.channelSku, () => single(u), context.retry)]);
  if (updates.length < FEED_THRESHOLD) return singles(updates);
  return sequential(chunks(updates, FEED_MAX_ITEMS), (batch) =>
    runFeed(
      context.client,
      feed.type,
      feed.file(batch),
      batch.map((u) => u.channelSku),
      context.polling,
      context.retry,
      () => singles(batch),
    ),
  );
}

export function pushQuantities(context: PushContext, updates: QuantityUpdate[]): Promise<PushOutcome[]> {
  return singlesOrFeeds(
    context,
    updates,
    (u) =>
      context.client.request({
        method: "PUT",
        path: "/v3/inventory",
        query: { sku: u.channelSku },
        json: { sku: u.channelSku, quantity: walmartQuantity(u.quantity) },
      }),
    {
      type: "inventory",
      // Inventory feed spec 1.4, the JSON shape of updateBulkInventory's example in the inventory definition.
      file: (batch) => ({ InventoryHeader: { version: "1.4" }, Inventory: batch.map((u) => ({ sku: u.channelSku, quantity: walmartQuantity(u.quantity) })) }),
    },
  );
}

const pricing = (u: PriceUpdate) => [{ currentPriceType: "BASE", currentPrice: { currency: u.currencyCode, amount: u.priceCents / 100 } }];

export async function pushPrices(context: PushContext, updates: PriceUpdate[]): Promise<PushOutcome[]> {
  const unsupported = updates.filter((u) => !WALMART_CURRENCIES.has(u.currencyCode));
  const valid = updates.filter((u) => WALMART_CURRENCIES.has(u.currencyCode));
  const refused: PushOutcome[] = unsupported.map((u) => ({
    channelSku: u.channelSku,
    status: "rejected",
    message: `Walmart prices are in USD or CAD, not ${u.currencyCode}`,
    code: "CURRENCY",
  }));
  const sent = await singlesOrFeeds(
    context,
    valid,
    (u) => context.client.request({ method: "PUT", path: "/v3/price", json: { sku: u.channelSku, pricing: pricing(u) } }),
    {
      type: "price",
      // Price feed spec 1.7, the JSON shape of priceBulkUploads' example in the prices definition.
      file: (batch) => ({ PriceHeader: { version: "1.7" }, Price: batch.map((u) => ({ sku: u.channelSku, pricing: pricing(u) })) }),
    },
  );
  return [...sent, ...refused];
}
