// The eBay connector: quantities and prices through bulkUpdatePriceQuantity (25 SKUs a call),
// content through the inventory item, orders from Fulfillment getOrders, all as one seller
// account, with eBay's 250-revisions-a-day cap counted in Redis before anything is sent.
import type {
  ChannelLimits,
  Connector,
  ConnectorConfig,
  ContentUpdate,
  ListingSnapshot,
  OrderPage,
  PriceUpdate,
  PushOutcome,
  QuantityUpdate,
} from "../connector";
import { ChannelError } from "../connector";
import type { RetryOptions } from "../retry";
import { EbayClient, readCredentials } from "./client";
import { contentProblem, itemWithContent } from "./content";
import { fromAmount, toAmount } from "../money";
import { decodeCursor, encodeCursor, importedOrder, lastModifiedFilter, type EbayOrder, type EbayOrderPage } from "./orders";
import { entriesForSku, outcomeForSku, priceRequest, refusedEntirely, quantityRequest, type PriceQuantity, type PriceQuantityResponse } from "./price-quantity";
import { RedisRevisionCounter, sharedRevisionRedis, type RevisionCounter } from "./revisions.server";
import { BULK_PRICE_QUANTITY_MAX, BURST, GET_ORDERS_MAX_LIMIT, REQUESTS_PER_SECOND, REVISIONS_PER_LISTING_PER_DAY } from "./rules";

export interface EbayConnectorOptions {
  /**
   * Where revisions per listing per day are counted; shared by every process pushing to the
   * account. Default: Redis (REDIS_URL), keyed by the account id under QUEUE_PREFIX.
   */
  revisions?: RevisionCounter;
  now?: () => number;
  retry?: RetryOptions;
  /**
   * Orders modified in the last this-many milliseconds wait for the next poll: getOrders refuses an
   * end date in the future (error 30850), and a little slack absorbs clock differences with eBay.
   * Default 5 s: every second here is a second a sold unit still shows on the other channels.
   */
  orderSettleMs?: number;
  /** Orders per getOrders page, at most 200. */
  ordersPageSize?: number;
  /** With no cursor yet, how far back the first poll reaches. Default 0: orders from before the channel was connected are not imported. */
  initialOrderLookbackMs?: number;
}

const DEFAULT_MARKETPLACE = "EBAY_US";
const DEFAULT_ORDER_SETTLE_MS = 5_000;
/** Orders leaving the window while it is paged shift later pages; a re-read catches what shifted. */
const MAX_ORDER_PASSES = 3;

export const EBAY_LIMITS: ChannelLimits = {
  maxBatch: BULK_PRICE_QUANTITY_MAX,
  requestsPerSecond: REQUESTS_PER_SECOND,
  burst: BURST,
  revisionsPerListingPerDay: REVISIONS_PER_LISTING_PER_DAY,
  // One bulk call, and a getOffers for each listing whose offer id is not stored yet (it is stored
  // after its first push, from the outcome).
  callsPerPush: (listings) => 1 + listings.filter((l) => !l.externalId).length,
  ordersVisibleAfterMs: DEFAULT_ORDER_SETTLE_MS,
  // Content is a getInventoryItem and a createOrReplaceInventoryItem per SKU (content.ts).
  contentCallsPerPush: (listings) => 2 * listings.length,
};

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A call that failed for one SKU (or its whole batch) as that SKU's outcome; credentials failures stop everything. */
function failureOutcome(sku: string, error: unknown): PushOutcome {
  if (!(error instanceof ChannelError)) throw error;
  if (error.details.authFailed) throw error;
  return error.retryable
    ? { channelSku: sku, status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs }
    : { channelSku: sku, status: "rejected", message: error.message, code: error.details.code };
}

const isNotFound = (error: unknown) => error instanceof ChannelError && error.details.status === 404;

/** eBay answered and refused the whole call (throttled, or a request it would not take): nothing was revised. */
const refusedWhole = (error: unknown) => {
  const status = error instanceof ChannelError ? error.details.status : undefined;
  return status !== undefined && status >= 400 && status < 500;
};

/** A listing shows the smaller of the item's and the offer's quantity ("Bulk updates" guide). */
function listedQuantity(itemQuantity: number | undefined, offerQuantity: number | undefined): number | null {
  const known = [itemQuantity, offerQuantity].filter((q): q is number => typeof q === "number");
  return known.length ? Math.min(...known) : null;
}

/**
 * A listing at its cap is a `retry` until the next UTC day, not a `rejected`: the change is right
 * and will go through tomorrow by itself, so the outbox keeps it and the merchant is not alerted
 * for something nobody needs to fix.
 */
const capMessage = `eBay allows ${REVISIONS_PER_LISTING_PER_DAY} revisions of a listing per day; this one has had them`;

export function createEbayConnector(config: ConnectorConfig, options: EbayConnectorOptions = {}): Connector {
  const now = options.now ?? Date.now;
  let revisionCounter = options.revisions;
  const revisions = () => (revisionCounter ??= new RedisRevisionCounter(sharedRevisionRedis(), config.accountId));
  const marketplaceId = config.region || DEFAULT_MARKETPLACE;
  const client = new EbayClient(readCredentials(config.credentials), marketplaceId, config.endpoints ?? {}, { now, retry: options.retry });
  const offerIds = new Map<string, string | null>();
  const settleMs = options.orderSettleMs ?? DEFAULT_ORDER_SETTLE_MS;
  const pageSize = Math.min(options.ordersPageSize ?? GET_ORDERS_MAX_LIMIT, GET_ORDERS_MAX_LIMIT);

  interface OfferSummary {
    offerId?: string;
    marketplaceId?: string;
    availableQuantity?: number;
    status?: string;
    pricingSummary?: { price?: { value?: string; currency?: string } };
    listing?: { listingStatus?: string; listingOnHold?: boolean };
  }

  async function offersOf(sku: string): Promise<OfferSummary[]> {
    try {
      const page = (await client.call("getOffers", (api) => api.sell.inventory.getOffers({ sku, marketplaceId }))) as { offers?: OfferSummary[] };
      return page.offers ?? [];
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  /** The SKU's offer on this marketplace, looked up once per connector when the caller did not know it. */
  async function offerIdOf(sku: string): Promise<string | null> {
    if (!offerIds.has(sku)) {
      const offers = await offersOf(sku);
      offerIds.set(sku, (offers.find((o) => o.marketplaceId === marketplaceId) ?? offers[0])?.offerId ?? null);
    }
    return offerIds.get(sku) ?? null;
  }

  async function pushPriceQuantity<U extends { channelSku: string; externalId?: string | null }>(
    updates: U[],
    build: (update: U) => Promise<PriceQuantity | PushOutcome>,
  ): Promise<PushOutcome[]> {
    // The last change of a SKU in the batch is the one that matters; eBay refuses a SKU twice in one call.
    const latest = new Map(updates.map((u) => [u.channelSku, u]));
    const outcomes = new Map<string, PushOutcome>();
    const ready: Array<{ sku: string; request: PriceQuantity }> = [];
    for (const [sku, update] of latest) {
      try {
        const built = await build(update);
        if ("status" in built) outcomes.set(sku, built);
        else ready.push({ sku, request: built });
      } catch (error) {
        outcomes.set(sku, failureOutcome(sku, error));
      }
    }

    const { allowed, retryAfterMs } = await revisions().reserve(
      ready.map((r) => r.sku),
      now(),
    );
    for (const { sku } of ready) {
      if (!allowed.has(sku)) outcomes.set(sku, { channelSku: sku, status: "retry", message: capMessage, retryAfterMs });
    }

    for (const batch of chunks(
      ready.filter((r) => allowed.has(r.sku)),
      BULK_PRICE_QUANTITY_MAX,
    )) {
      try {
        const answer = (await client.call("bulkUpdatePriceQuantity", (api) =>
          api.sell.inventory.bulkUpdatePriceQuantity({ requests: batch.map((r) => r.request) }),
        )) as { responses?: PriceQuantityResponse[] } | undefined;
        const responses = answer?.responses ?? [];
        const unrevised: string[] = [];
        for (const { sku, request } of batch) {
          const offerIds = (request.offers ?? []).map((o) => o.offerId);
          outcomes.set(sku, outcomeForSku(sku, offerIds, responses));
          // Only a change eBay refused in every part leaves the listing unrevised; a partial one counts.
          if (refusedEntirely(entriesForSku(sku, offerIds, responses))) unrevised.push(sku);
        }
        await revisions().release(unrevised, now());
      } catch (error) {
        if (refusedWhole(error))
          await revisions().release(
            batch.map((r) => r.sku),
            now(),
          );
        for (const { sku } of batch) outcomes.set(sku, failureOutcome(sku, error));
      }
    }
    // An offer id found here goes back with the outcome: the flush stores it on the listing.
    return updates.map((u) => {
      const outcome = outcomes.get(u.channelSku)!;
      const learned = u.externalId ? null : offerIds.get(u.channelSku);
      return learned ? { ...outcome, externalId: learned } : outcome;
    });
  }

  async function pushOneContent(update: ContentUpdate): Promise<PushOutcome> {
    const sku = update.channelSku;
    const problem = contentProblem(update.fields);
    if (problem) return { channelSku: sku, status: "rejected", message: problem, code: "invalid_content" };
    let current: Record<string, unknown>;
    try {
      current = (await client.call("getInventoryItem", (api) => api.sell.inventory.getInventoryItem(sku))) as Record<string, unknown>;
    } catch (error) {
      if (isNotFound(error)) return { channelSku: sku, status: "rejected", message: "eBay has no inventory item with this SKU", code: "not_found" };
      return failureOutcome(sku, error);
    }
    const item = itemWithContent(current, update.fields);
    if (!item) return { channelSku: sku, status: "accepted" }; // eBay already shows exactly this
    const { allowed, retryAfterMs } = await revisions().reserve([sku], now());
    if (!allowed.has(sku)) return { channelSku: sku, status: "retry", message: capMessage, retryAfterMs };
    try {
      // The library types Product.aspects as a string, copying a slip in eBay's definition; the API takes an object.
      await client.call("createOrReplaceInventoryItem", (api) =>
        api.sell.inventory.createOrReplaceInventoryItem(sku, item as unknown as Parameters<typeof api.sell.inventory.createOrReplaceInventoryItem>[1]),
      );
      return { channelSku: sku, status: "accepted" };
    } catch (error) {
      if (refusedWhole(error)) await revisions().release([sku], now());
      return failureOutcome(sku, error);
    }
  }

  async function ordersIn(from: Date, to: Date): Promise<EbayOrder[]> {
    const filter = lastModifiedFilter(from, to);
    const seen = new Map<string, EbayOrder>();
    for (let pass = 1; pass <= MAX_ORDER_PASSES; pass++) {
      let firstTotal: number | undefined;
      let shrank = false;
      for (let offset = 0; ; offset += pageSize) {
        const page = (await client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ filter, limit: pageSize, offset }))) as EbayOrderPage;
        const orders = page.orders ?? [];
        firstTotal ??= page.total;
        if (page.total !== undefined && firstTotal !== undefined && page.total < firstTotal) shrank = true;
        for (const order of orders) seen.set(order.orderId, order);
        if (!page.next || orders.length === 0) break;
      }
      if (!shrank) break;
    }
    return [...seen.values()];
  }

  return {
    kind: "ebay",
    limits: EBAY_LIMITS,

    async testConnection() {
      try {
        await client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ limit: 1 }));
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    // The quantity goes to the item and to the offer: a listing shows the smaller of the two
    // ("Bulk updates" guide, https://developer.ebay.com/api-docs/sell/static/inventory/bulk-updates.html),
    // so raising only the item's would leave a sold-down offer where it was.
    pushQuantities(updates: QuantityUpdate[]) {
      return pushPriceQuantity(updates, async (u) => quantityRequest(u.channelSku, u.quantity, u.externalId || (await offerIdOf(u.channelSku))));
    },

    pushPrices(updates: PriceUpdate[]) {
      return pushPriceQuantity(updates, async (u) => {
        const offerId = u.externalId || (await offerIdOf(u.channelSku));
        if (!offerId) return { channelSku: u.channelSku, status: "rejected", message: "eBay has no offer for this SKU to put a price on", code: "no_offer" };
        return priceRequest(offerId, toAmount(u.priceCents, u.currencyCode));
      });
    },

    async pushContent(updates: ContentUpdate[]) {
      const outcomes: PushOutcome[] = [];
      for (const update of updates) outcomes.push(await pushOneContent(update));
      return outcomes;
    },

    async fetchOrders(since: string | null): Promise<OrderPage> {
      const cursor = decodeCursor(since) ?? { after: new Date(now() - settleMs - (options.initialOrderLookbackMs ?? 0)).toISOString(), seenAtAfter: [] };
      const from = new Date(cursor.after);
      const to = new Date(now() - settleMs);
      if (to.getTime() <= from.getTime()) return { orders: [], cursor: encodeCursor(cursor) };

      const alreadySeen = new Set(cursor.seenAtAfter);
      const fresh = (await ordersIn(from, to))
        .filter((o) => !(alreadySeen.has(o.orderId) && Date.parse(o.lastModifiedDate ?? "") === from.getTime()))
        .sort((a, b) => Date.parse(a.lastModifiedDate ?? "") - Date.parse(b.lastModifiedDate ?? ""));
      const atEnd = fresh.filter((o) => Date.parse(o.lastModifiedDate ?? "") === to.getTime()).map((o) => o.orderId);
      return { orders: fresh.map(importedOrder), cursor: encodeCursor({ after: to.toISOString(), seenAtAfter: atEnd }) };
    },

    async fetchListing(channelSku: string): Promise<ListingSnapshot | null> {
      let item: { availability?: { shipToLocationAvailability?: { quantity?: number } } };
      try {
        item = (await client.call("getInventoryItem", (api) => api.sell.inventory.getInventoryItem(channelSku))) as typeof item;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
      const offers = await offersOf(channelSku);
      const offer = offers.find((o) => o.marketplaceId === marketplaceId) ?? offers[0];
      const issues: string[] = [];
      if (!offer) issues.push("no offer for this SKU on this marketplace");
      if (offer?.listing?.listingOnHold) issues.push("listing on hold");
      return {
        channelSku,
        quantity: listedQuantity(item.availability?.shipToLocationAvailability?.quantity, offer?.availableQuantity),
        priceCents: fromAmount(offer?.pricingSummary?.price),
        status: offer?.listing?.listingStatus ?? offer?.status ?? null,
        issues,
      };
    },
  };
}
