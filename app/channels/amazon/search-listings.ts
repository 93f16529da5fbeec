// The seller's existing Amazon listings, for listing discovery: searchListingsItems, GET
// /listings/2021-08-01/items/{sellerId} (listingsItems_2021-08-01.json), 20 a page (its `pageSize`
// "maximum": 20), oldest created first. Each item comes with its summaries (ASIN, name, status,
// created date), offers (price), fulfillmentAvailability (the merchant's DEFAULT quantity) and
// attributes, where a listing created with a barcode keeps it (externally_assigned_product_identifier),
// which discovery links by after the SKU.
//
// "The maximum number of items (SKUs) that can be returned and paged through is 1000" (the
// definition's ItemSearchResults): when a search ends there with more found (numberOfResults), the
// next one starts at the last item's creation time (createdAfter, "at or after this time"), so an
// account of any size is read in windows of 1,000; the items of that instant come twice and
// discovery keeps one. 1,000 listings created in one instant would stop the read there.
import { z } from "zod";
import { ChannelError, type DiscoveredListing, type ListingPage, type ReadOptions } from "../connector";
import { gtinDigits } from "../gtin";
import { withRetry } from "../retry";
import type { ListingsContext } from "./listings";

/** searchListingsItems' `pageSize`: "maximum": 20 (listingsItems_2021-08-01.json). */
export const SEARCH_PAGE_SIZE = 20;
/** ItemSearchResults: "The maximum number of items (SKUs) that can be returned and paged through is 1000". */
export const SEARCH_MAX_ITEMS = 1000;
const INCLUDED_DATA = ["summaries", "offers", "fulfillmentAvailability", "attributes", "issues"];
/** The merchant's own fulfilment channel; FBA's are AMAZON_NA, AMAZON_EU... (Amazon's own stock, not the pool). */
const MERCHANT_CHANNEL = "DEFAULT";

const SearchSchema = z.object({
  numberOfResults: z.number().int().nonnegative(),
  pagination: z.object({ nextToken: z.string().min(1).optional() }).optional(),
  items: z.array(
    z.object({
      sku: z.string().min(1),
      summaries: z
        .array(
          z.object({
            marketplaceId: z.string(),
            asin: z.string().optional(),
            itemName: z.string().optional(),
            status: z.array(z.string()).optional(),
            createdDate: z.string().optional(),
          }),
        )
        .optional(),
      offers: z.array(z.object({ marketplaceId: z.string(), price: z.object({ currencyCode: z.string(), amount: z.string() }) })).optional(),
      fulfillmentAvailability: z.array(z.object({ fulfillmentChannelCode: z.string(), quantity: z.number().int().optional() })).optional(),
      attributes: z
        .object({ externally_assigned_product_identifier: z.array(z.object({ type: z.string().optional(), value: z.string().optional() })).optional() })
        .passthrough()
        .optional(),
      // The definition's Issue: an ERROR "prevent[s] the submission from processing"; enforcements
      // name what Amazon did about it (LISTING_SUPPRESSED, SEARCH_SUPPRESSED...).
      issues: z
        .array(
          z.object({
            message: z.string(),
            severity: z.string(),
            enforcements: z.object({ actions: z.array(z.object({ action: z.string() })) }).optional(),
          }),
        )
        .optional(),
    }),
  ),
});

/** Why Amazon does not sell the item: its ERROR issues and those it enforces (suppression), in Amazon's words; null when none. */
export function suspensionOf(
  issues: ReadonlyArray<{ message: string; severity: string; enforcements?: { actions: { action: string }[] } }> | undefined,
): string | null {
  const blocking = (issues ?? []).filter((i) => i.severity === "ERROR" || (i.enforcements?.actions.length ?? 0) > 0);
  if (blocking.length === 0) return null;
  return blocking.map((i) => [...new Set(i.enforcements?.actions.map((a) => a.action) ?? [])].concat(i.message).join(": ")).join("; ");
}

/** Where a read is: Amazon's page token within a search, the search's createdAfter, and how many it returned so far. */
const Cursor = z.object({ page: z.string().optional(), after: z.string().optional(), read: z.number().int().nonnegative() });
type Cursor = z.infer<typeof Cursor>;
const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");
function decode(token: string | null): Cursor {
  if (token === null) return { read: 0 };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, "base64url").toString());
  } catch {
    json = null;
  }
  const parsed = Cursor.safeParse(json);
  if (!parsed.success) throw new ChannelError("Amazon's listings: a page token this connector did not hand out", { retryable: false });
  return parsed.data;
}

export async function readAmazonListings(context: ListingsContext, pageToken: string | null, options: ReadOptions = {}): Promise<ListingPage> {
  const { client, sellerId, marketplaceId, retry } = context;
  const cursor = decode(pageToken);
  await options.beforeCall?.();
  const raw = await withRetry(
    () =>
      client.call<unknown>({
        operation: "searchListingsItems",
        endpoint: "listingsItems",
        path: { sellerId },
        query: {
          marketplaceIds: [marketplaceId],
          includedData: INCLUDED_DATA,
          pageSize: String(SEARCH_PAGE_SIZE),
          sortBy: "createdDate",
          sortOrder: "ASC",
          ...(cursor.after ? { createdAfter: cursor.after } : {}),
          ...(cursor.page ? { pageToken: cursor.page } : {}),
        },
      }),
    retry,
  );
  const parsed = SearchSchema.safeParse(raw);
  if (!parsed.success) throw new ChannelError(`Amazon's listings could not be read: ${parsed.error.message}`, { retryable: false });
  const summaryOf = (item: (typeof parsed.data.items)[number]) => item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0];
  const listings = parsed.data.items.map((item): DiscoveredListing => {
    const summary = summaryOf(item);
    const offer = item.offers?.find((o) => o.marketplaceId === marketplaceId);
    const amount = offer ? Number(offer.price.amount) : NaN;
    const own = item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === MERCHANT_CHANNEL);
    const barcodes = item.attributes?.externally_assigned_product_identifier ?? [];
    return {
      channelSku: item.sku,
      externalId: summary?.asin ?? null,
      gtin: barcodes.map((b) => gtinDigits(b.value)).find((g) => g !== null) ?? null,
      title: summary?.itemName ?? null,
      quantity: own?.quantity ?? null,
      priceCents: Number.isFinite(amount) ? Math.round(amount * 100) : null,
      currencyCode: offer?.price.currencyCode ?? null,
      status: summary?.status?.join(", ") || null,
      suspension: suspensionOf(item.issues),
    };
  });
  const read = cursor.read + parsed.data.items.length;
  const nextToken = parsed.data.pagination?.nextToken;
  if (nextToken) return { listings, next: encode({ page: nextToken, after: cursor.after, read }) };
  // The search's last page: at Amazon's 1,000 with more found, the next window starts where it stopped.
  const lastCreated = parsed.data.items.length ? summaryOf(parsed.data.items[parsed.data.items.length - 1])?.createdDate : undefined;
  const capped = read >= SEARCH_MAX_ITEMS && parsed.data.numberOfResults > read;
  if (capped && lastCreated && lastCreated !== cursor.after) return { listings, next: encode({ after: lastCreated, read: 0 }) };
  return { listings, next: null };
}
