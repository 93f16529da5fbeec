// Quantities and prices to TikTok Shop. Both calls are per product
// (POST /product/202309/products/{product_id}/inventory/update and .../prices/update) and carry
// that product's SKUs, so the batch is grouped by product. A listing's channelSku is TikTok's
// SKU id and its externalId the product id. When a product's call is refused as a whole, its
// SKUs are sent one by one so that one bad SKU does not take its siblings down with it.
import { ChannelError, type PriceUpdate, type PushOutcome, type QuantityUpdate } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { PATHS } from "./limits";

export interface PushContext {
  client: TikTokClient;
  retry: RetryOptions;
}

interface SkuUpdate {
  channelSku: string;
  productId: string;
  /** The SKU's entry in the request body's `skus` array. */
  entry: Record<string, unknown>;
}

/** Inventory update answers list the SKUs it could not take in data.errors[].detail.sku_id. */
interface UpdateAnswer {
  errors?: Array<{ code?: number; message?: string; detail?: { sku_id?: string } }>;
}

/** What a product call's failure means for each of its SKUs; failed credentials stop the whole push. */
export function failureOutcomes(error: unknown, channelSkus: string[]): PushOutcome[] {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  if (error.retryable)
    return channelSkus.map((channelSku) => ({ channelSku, status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs }));
  return channelSkus.map((channelSku) => ({ channelSku, status: "rejected", message: error.message, code: error.details.code }));
}

export function byProduct<T extends { productId: string }>(updates: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const update of updates) groups.set(update.productId, [...(groups.get(update.productId) ?? []), update]);
  return groups;
}

/** Updates without the product id TikTok addresses them by are refused up front. */
export const withoutProductId = (channelSku: string): PushOutcome => ({
  channelSku,
  status: "rejected",
  message: "TikTok updates need the product id (externalId) of the SKU",
  code: "NO_PRODUCT_ID",
});

async function sendProduct(context: PushContext, path: string, skus: SkuUpdate[]): Promise<PushOutcome[]> {
  try {
    const answer = await withRetry(
      () => context.client.request<UpdateAnswer>({ method: "POST", path, body: { skus: skus.map((s) => s.entry) } }),
      context.retry,
    );
    const failed = new Map((answer.errors ?? []).map((e) => [e.detail?.sku_id, e]));
    return skus.map((s): PushOutcome => {
      const error = failed.get(s.channelSku);
      return error
        ? { channelSku: s.channelSku, status: "rejected", message: error.message ?? "refused", code: String(error.code ?? "") }
        : { channelSku: s.channelSku, status: "accepted" };
    });
  } catch (error) {
    const outcomes = failureOutcomes(
      error,
      skus.map((s) => s.channelSku),
    );
    if (outcomes[0].status !== "rejected" || skus.length === 1) return outcomes;
    const alone: PushOutcome[] = [];
    for (const s of skus) alone.push(...(await sendProduct(context, path, [s])));
    return alone;
  }
}

async function push(
  context: PushContext,
  updates: Array<{ channelSku: string; externalId?: string | null }>,
  entry: (index: number) => Record<string, unknown>,
  pathOf: (productId: string) => string,
): Promise<PushOutcome[]> {
  const outcomes = new Map<string, PushOutcome>();
  const routable: SkuUpdate[] = [];
  updates.forEach((u, index) => {
    if (!u.externalId) outcomes.set(u.channelSku, withoutProductId(u.channelSku));
    else routable.push({ channelSku: u.channelSku, productId: u.externalId, entry: entry(index) });
  });
  for (const [productId, skus] of byProduct(routable)) {
    for (const outcome of await sendProduct(context, pathOf(productId), skus)) outcomes.set(outcome.channelSku, outcome);
  }
  return updates.map((u) => outcomes.get(u.channelSku)!);
}

export function pushQuantities(context: PushContext, updates: QuantityUpdate[]): Promise<PushOutcome[]> {
  // warehouse_id is left out: TikTok then uses the shop's default warehouse (approximation for
  // multi-warehouse shops, see README of the simulator).
  return push(
    context,
    updates,
    (i) => ({ id: updates[i].channelSku, inventory: [{ quantity: Math.max(0, Math.floor(updates[i].quantity)) }] }),
    PATHS.inventoryUpdate,
  );
}

export function pushPrices(context: PushContext, updates: PriceUpdate[]): Promise<PushOutcome[]> {
  // TikTok takes prices as decimal strings ("amount": "12.99") with a currency code.
  return push(
    context,
    updates,
    (i) => ({ id: updates[i].channelSku, price: { amount: (updates[i].priceCents / 100).toFixed(2), currency: updates[i].currencyCode } }),
    PATHS.pricesUpdate,
  );
}
