// The Listings Items API as the connector uses it: patches sent one patchListingsItem per SKU, or
// as JSON_LISTINGS_FEEDs above FEED_THRESHOLD (feeds.ts), and getListingsItem for a listing's
// product type and for the listing as Amazon shows it.
import { ChannelError, type ContentUpdate, type ListingSnapshot, type PriceUpdate, type PushOutcome, type QuantityUpdate } from "../connector";
import { withRetry } from "../retry";
import { fromAmount } from "../money";
import { runListingsFeed, type FeedContext } from "./feeds";
import { FEED_MAX_MESSAGES, FEED_THRESHOLD } from "./limits";
import { contentPatch, pricePatch, quantityPatch, type ListingPatch, type MarketplaceContext } from "./patches";
import { suspensionOf } from "./search-listings";

/**
 * What every listings call of one connector shares (index.ts builds it once): the feeds' context
 * (client, seller, marketplace, retry, polling) and the marketplace the patches are written for.
 */
export interface ListingsContext extends FeedContext {
  marketplace: MarketplaceContext;
}

interface SubmissionAnswer {
  status: "ACCEPTED" | "INVALID" | "VALID";
  issues?: Array<{ code: string; message: string; severity: string }>;
}

interface ListingsItem {
  summaries?: Array<{ marketplaceId: string; productType?: string; status?: string[] }>;
  offers?: Array<{ marketplaceId: string; offerType?: string; price?: { currencyCode?: string; amount?: string } }>;
  fulfillmentAvailability?: Array<{ fulfillmentChannelCode: string; quantity?: number }>;
  issues?: Array<{ message: string; severity: string; enforcements?: { actions: { action: string }[] } }>;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A failed call as one SKU's outcome; failed credentials stop the whole push instead. */
function failureOutcome(channelSku: string, error: unknown): PushOutcome {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  if (error.retryable) return { channelSku, status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs };
  return { channelSku, status: "rejected", message: error.message, code: error.details.code ?? String(error.details.status ?? "") };
}

const listingPath = (context: ListingsContext, sku: string) => ({ sellerId: context.sellerId, sku });

async function patchOne(context: ListingsContext, patch: ListingPatch): Promise<PushOutcome> {
  const { client, marketplaceId, retry } = context;
  try {
    const answer = await withRetry(
      () =>
        client.call<SubmissionAnswer>({
          operation: "patchListingsItem",
          endpoint: "listingsItems",
          path: listingPath(context, patch.sku),
          query: { marketplaceIds: [marketplaceId], includedData: ["issues"] },
          body: { productType: patch.productType, patches: patch.patches },
        }),
      retry,
    );
    if (answer.status === "ACCEPTED") return { channelSku: patch.sku, status: "accepted" };
    const errors = (answer.issues ?? []).filter((i) => i.severity === "ERROR");
    return {
      channelSku: patch.sku,
      status: "rejected",
      message: errors.map((i) => i.message).join("; ") || `Amazon answered ${answer.status}`,
      code: errors[0]?.code,
    };
  } catch (error) {
    return failureOutcome(patch.sku, error);
  }
}

/** One patchListingsItem per SKU for a few; feeds of up to FEED_MAX_MESSAGES above FEED_THRESHOLD. */
async function submit(context: ListingsContext, patches: ListingPatch[]): Promise<PushOutcome[]> {
  const outcomes: PushOutcome[] = [];
  if (patches.length > FEED_THRESHOLD) {
    for (const batch of chunks(patches, FEED_MAX_MESSAGES)) outcomes.push(...(await runListingsFeed(context, batch)));
    return outcomes;
  }
  for (const patch of patches) outcomes.push(await patchOne(context, patch));
  return outcomes;
}

export function pushQuantities(context: ListingsContext, updates: QuantityUpdate[]): Promise<PushOutcome[]> {
  return submit(context, updates.map(quantityPatch));
}

export function pushPrices(context: ListingsContext, updates: PriceUpdate[]): Promise<PushOutcome[]> {
  const patches = updates.map((u) => pricePatch(u, context.marketplace));
  return submit(context, patches);
}

export async function getListing(context: ListingsContext, sku: string, includedData: string[]): Promise<ListingsItem | null> {
  const { client, marketplaceId, retry } = context;
  try {
    return await withRetry(
      () =>
        client.call<ListingsItem>({
          operation: "getListingsItem",
          endpoint: "listingsItems",
          path: listingPath(context, sku),
          query: { marketplaceIds: [marketplaceId], includedData },
        }),
      retry,
    );
  } catch (error) {
    if (error instanceof ChannelError && error.details.status === 404) return null;
    throw error;
  }
}

// Product data must go under the listing's own product type (the generic one carries offer
// attributes only), so each SKU's type is read first.
export async function pushContent(context: ListingsContext, updates: ContentUpdate[]): Promise<PushOutcome[]> {
  const { marketplaceId } = context;
  const refused: PushOutcome[] = [];
  const patches: ListingPatch[] = [];
  for (const update of updates) {
    let item: ListingsItem | null;
    try {
      item = await getListing(context, update.channelSku, ["summaries"]);
    } catch (error) {
      refused.push(failureOutcome(update.channelSku, error));
      continue;
    }
    const productType = item?.summaries?.find((s) => s.marketplaceId === marketplaceId)?.productType;
    if (!productType) {
      refused.push({
        channelSku: update.channelSku,
        status: "rejected",
        message: "Amazon has no listing with this SKU to put content on",
        code: "NOT_FOUND",
      });
      continue;
    }
    const patch = contentPatch(update, productType, context.marketplace);
    if ("problem" in patch) refused.push({ channelSku: update.channelSku, status: "rejected", message: patch.problem, code: "INVALID_CONTENT" });
    else patches.push(patch);
  }
  return [...(await submit(context, patches)), ...refused];
}

export async function fetchListing(context: ListingsContext, channelSku: string): Promise<ListingSnapshot | null> {
  const { marketplaceId } = context;
  const item = await getListing(context, channelSku, ["summaries", "offers", "fulfillmentAvailability", "issues"]);
  if (!item) return null;
  const offer = item.offers?.find((o) => o.marketplaceId === marketplaceId && (o.offerType ?? "B2C") === "B2C");
  const statuses = item.summaries?.find((s) => s.marketplaceId === marketplaceId)?.status ?? [];
  return {
    channelSku,
    quantity: item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === "DEFAULT")?.quantity ?? null,
    priceCents: fromAmount(offer?.price && { value: offer.price.amount, currency: offer.price.currencyCode }),
    // Amazon's summary status is a set (BUYABLE, DISCOVERABLE); empty means neither.
    status: statuses.join(",") || null,
    issues: (item.issues ?? []).map((i) => `${i.severity}: ${i.message}`),
    suspension: suspensionOf(item.issues),
  };
}
