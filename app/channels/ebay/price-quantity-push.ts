// Quantities and prices through bulkUpdatePriceQuantity, 25 SKUs a call, each listing's revision
// reserved against eBay's 250-a-day cap before anything is sent and released when eBay refused it.
import type { PriceUpdate, PushOutcome, QuantityUpdate } from "../connector";
import { toAmount } from "../money";
import type { EbayConnectorContext } from "./context";
import { offerIdOf } from "./offers";
import { capMessage, failureOutcome, refusedWhole } from "./outcomes";
import { entriesForSku, outcomeForSku, priceRequest, refusedEntirely, quantityRequest, type PriceQuantity, type PriceQuantityResponse } from "./price-quantity";
import { BULK_PRICE_QUANTITY_MAX } from "./rules";

type PriceQuantityUpdate = { channelSku: string; externalId?: string | null };
type BuildRequest<U> = (update: U) => Promise<PriceQuantity | PushOutcome>;
interface ReadyRequest {
  sku: string;
  request: PriceQuantity;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Each SKU's request, or its outcome when there is nothing to send (or building it failed). */
async function buildRequests<U>(latest: Map<string, U>, build: BuildRequest<U>, outcomes: Map<string, PushOutcome>): Promise<ReadyRequest[]> {
  const ready: ReadyRequest[] = [];
  for (const [sku, update] of latest) {
    try {
      const built = await build(update);
      if ("status" in built) outcomes.set(sku, built);
      else ready.push({ sku, request: built });
    } catch (error) {
      outcomes.set(sku, failureOutcome(sku, error));
    }
  }
  return ready;
}

/** Reserves a revision of each listing; one at its cap for the day is a retry. Returns the SKUs that may go. */
async function reserveRevisions(context: EbayConnectorContext, ready: ReadyRequest[], outcomes: Map<string, PushOutcome>): Promise<Set<string>> {
  const { revisions, now } = context;
  const { allowed, retryAfterMs } = await revisions().reserve(
    ready.map((r) => r.sku),
    now(),
  );
  for (const { sku } of ready) {
    if (!allowed.has(sku)) outcomes.set(sku, { channelSku: sku, status: "retry", message: capMessage, retryAfterMs });
  }
  return allowed;
}

/** One bulkUpdatePriceQuantity call; the revisions of listings eBay left unrevised are released. */
async function sendBatch(context: EbayConnectorContext, batch: ReadyRequest[], outcomes: Map<string, PushOutcome>): Promise<void> {
  const { client, revisions, now } = context;
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

async function pushPriceQuantity<U extends PriceQuantityUpdate>(context: EbayConnectorContext, updates: U[], build: BuildRequest<U>): Promise<PushOutcome[]> {
  // The last change of a SKU in the batch is the one that matters; eBay refuses a SKU twice in one call.
  const latest = new Map(updates.map((u) => [u.channelSku, u]));
  const outcomes = new Map<string, PushOutcome>();
  const ready = await buildRequests(latest, build, outcomes);
  const allowed = await reserveRevisions(context, ready, outcomes);
  const sendable = ready.filter((r) => allowed.has(r.sku));
  for (const batch of chunks(sendable, BULK_PRICE_QUANTITY_MAX)) await sendBatch(context, batch, outcomes);
  // An offer id found here goes back with the outcome: the flush stores it on the listing.
  return updates.map((u) => {
    const outcome = outcomes.get(u.channelSku)!;
    const learned = u.externalId ? null : context.offerIds.get(u.channelSku);
    return learned ? { ...outcome, externalId: learned } : outcome;
  });
}

// The quantity goes to the item and to the offer: a listing shows the smaller of the two
// ("Bulk updates" guide, https://developer.ebay.com/api-docs/sell/static/inventory/bulk-updates.html),
// so raising only the item's would leave a sold-down offer where it was.
export function pushQuantities(context: EbayConnectorContext, updates: QuantityUpdate[]): Promise<PushOutcome[]> {
  return pushPriceQuantity(context, updates, async (u) => quantityRequest(u.channelSku, u.quantity, u.externalId || (await offerIdOf(context, u.channelSku))));
}

export function pushPrices(context: EbayConnectorContext, updates: PriceUpdate[]): Promise<PushOutcome[]> {
  return pushPriceQuantity(context, updates, async (u) => {
    const offerId = u.externalId || (await offerIdOf(context, u.channelSku));
    if (!offerId) return { channelSku: u.channelSku, status: "rejected", message: "eBay has no offer for this SKU to put a price on", code: "no_offer" };
    return priceRequest(offerId, toAmount(u.priceCents, u.currencyCode));
  });
}
