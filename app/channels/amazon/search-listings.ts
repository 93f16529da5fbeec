// The seller's existing Amazon listings, for listing discovery: searchListingsItems, GET
// /listings/2021-08-01/items/{sellerId} (listingsItems_2021-08-01.json), 20 a page (its `pageSize`
// "maximum": 20) in SKU order, so a listing changed during the read keeps its place. Each item
// comes with its summaries (ASIN, name, status), offers (price), fulfillmentAvailability (the
// merchant's DEFAULT quantity) and attributes, where a listing created with a barcode keeps it
// (externally_assigned_product_identifier), which discovery links by after the SKU.
//
// "The maximum number of items (SKUs) that can be returned and paged through is 1000" (the
// definition's ItemSearchResults): an account with more is read to its 1,000th listing by SKU.
// The rest would take the merchant listings report (Reports API, GET_MERCHANT_LISTINGS_ALL_DATA),
// not read here yet.
import { z } from "zod";
import { ChannelError, type DiscoveredListing, type ListingPage } from "../connector";
import { gtinDigits } from "../gtin";
import { withRetry } from "../retry";
import type { ListingsContext } from "./listings";

/** searchListingsItems' `pageSize`: "maximum": 20 (listingsItems_2021-08-01.json). */
export const SEARCH_PAGE_SIZE = 20;
const INCLUDED_DATA = ["summaries", "offers", "fulfillmentAvailability", "attributes"];
/** The merchant's own fulfilment channel; FBA's are AMAZON_NA, AMAZON_EU... (Amazon's own stock, not the pool). */
const MERCHANT_CHANNEL = "DEFAULT";

const SearchSchema = z.object({
  numberOfResults: z.number().int().nonnegative(),
  pagination: z.object({ nextToken: z.string().min(1).optional() }).optional(),
  items: z.array(
    z.object({
      sku: z.string().min(1),
      summaries: z
        .array(z.object({ marketplaceId: z.string(), asin: z.string().optional(), itemName: z.string().optional(), status: z.array(z.string()).optional() }))
        .optional(),
      offers: z.array(z.object({ marketplaceId: z.string(), price: z.object({ currencyCode: z.string(), amount: z.string() }) })).optional(),
      fulfillmentAvailability: z.array(z.object({ fulfillmentChannelCode: z.string(), quantity: z.number().int().optional() })).optional(),
      attributes: z
        .object({ externally_assigned_product_identifier: z.array(z.object({ type: z.string().optional(), value: z.string().optional() })).optional() })
        .passthrough()
        .optional(),
    }),
  ),
});

export async function readAmazonListings(context: ListingsContext, pageToken: string | null): Promise<ListingPage> {
  const { client, sellerId, marketplaceId, retry } = context;
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
          sortBy: "sku",
          sortOrder: "ASC",
          ...(pageToken ? { pageToken } : {}),
        },
      }),
    retry,
  );
  const parsed = SearchSchema.safeParse(raw);
  if (!parsed.success) throw new ChannelError(`Amazon's listings could not be read: ${parsed.error.message}`, { retryable: false });
  const listings = parsed.data.items.map((item): DiscoveredListing => {
    const summary = item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0];
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
    };
  });
  return { listings, next: parsed.data.pagination?.nextToken ?? null };
}
