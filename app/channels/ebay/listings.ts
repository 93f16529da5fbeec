// The seller's existing eBay listings, for listing discovery: one page of getInventoryItems (every
// inventory item of the account, offered or not), then each item's offers, for the offer id (the
// listing's externalId, as pushes store it), price and status. The Inventory API reads offers by
// SKU only (getOffers: "retrieves all existing offers for the specified SKU value"), so a page
// costs one call per item more: the read paces itself at the app's eBay rate (10 a second, burst
// 20: rules.ts), and the client retries what eBay throttles anyway.
import { z } from "zod";
import { ChannelError, type DiscoveredListing, type ListingPage, type ReadOptions } from "../connector";
import { firstGtin } from "../gtin";
import { fromAmount } from "../money";
import { Pacer } from "../pacer";
import type { EbayConnectorContext } from "./context";
import { listedQuantity, offersOf, type OfferSummary } from "./offers";
import { BURST, INVENTORY_ITEMS_MAX_LIMIT, REQUESTS_PER_SECOND } from "./rules";

/** One pacer per connector (its context), shared by its pages. */
const pacers = new WeakMap<EbayConnectorContext, Pacer>();
function pacerOf(context: EbayConnectorContext): Pacer {
  let pacer = pacers.get(context);
  if (!pacer) pacers.set(context, (pacer = new Pacer({ requestsPerSecond: REQUESTS_PER_SECOND, burst: BURST })));
  return pacer;
}

/** InventoryItems and InventoryItemWithSkuLocaleGroupid (Inventory API definition): the fields read here. */
const InventoryItemsPage = z.object({
  inventoryItems: z
    .array(
      z.object({
        sku: z.string().min(1),
        product: z
          .object({
            title: z.string().optional(),
            upc: z.array(z.string()).optional(),
            ean: z.array(z.string()).optional(),
            isbn: z.array(z.string()).optional(),
          })
          .optional(),
        availability: z.object({ shipToLocationAvailability: z.object({ quantity: z.number().int().optional() }).optional() }).optional(),
      }),
    )
    .optional(),
  /** "the URL to the next page of inventory items ... only returned if there are additional inventory items". */
  next: z.string().optional(),
});
type InventoryItem = NonNullable<z.infer<typeof InventoryItemsPage>["inventoryItems"]>[number];

/**
 * The page after this one, as eBay's own `next` URL names it. Its `offset` is taken from there, not
 * computed: the definition calls offset a page number while other eBay APIs count records, and
 * following eBay's link is right either way.
 */
function nextToken(next: string | undefined): string | null {
  if (!next) return null;
  const offset = new URL(next, "https://api.ebay.com").searchParams.get("offset");
  if (offset === null || !/^\d+$/.test(offset)) {
    throw new ChannelError(`eBay getInventoryItems: a next page without an offset (${next})`, { retryable: false });
  }
  return offset;
}

/** The offer the app pushes to: this marketplace's, fixed-price before an auction of the same SKU. */
function offerOnMarketplace(offers: OfferSummary[], marketplaceId: string): OfferSummary | undefined {
  const here = offers.filter((o) => !o.marketplaceId || o.marketplaceId === marketplaceId);
  return here.find((o) => o.format === "FIXED_PRICE") ?? here[0];
}

function discovered(item: InventoryItem, offer: OfferSummary | undefined): DiscoveredListing {
  const itemQuantity = item.availability?.shipToLocationAvailability?.quantity;
  const price = offer?.pricingSummary?.price;
  const priceCents = fromAmount(price);
  return {
    channelSku: item.sku,
    externalId: offer?.offerId ?? null,
    gtin: firstGtin([...(item.product?.upc ?? []), ...(item.product?.ean ?? []), ...(item.product?.isbn ?? [])]),
    title: item.product?.title ?? null,
    // Not offered: no listing yet, and the item's own quantity is all there is to show.
    quantity: offer ? listedQuantity(itemQuantity, offer.availableQuantity) : (itemQuantity ?? null),
    priceCents,
    currencyCode: priceCents === null ? null : (price?.currency ?? null),
    status: offer?.listing?.listingStatus ?? offer?.status ?? null,
    suspension: suspensionOf(offer),
  };
}

/**
 * ListingStatusEnum's words for a listing that no longer sells
 * (https://developer.ebay.com/api-docs/sell/inventory/types/slr:ListingStatusEnum). eBay's API
 * gives no reason with them, nor with a hold, so the words are the reason.
 */
const NOT_SELLING = new Set(["ENDED", "EBAY_ENDED", "INACTIVE"]);

function suspensionOf(offer: OfferSummary | undefined): string | null {
  // ListingDetails.listingOnHold: "on hold due to an eBay policy violation ... all attempted purchases ... are blocked".
  if (offer?.listing?.listingOnHold) return "eBay put the listing on hold for a policy violation (listingOnHold)";
  const status = offer?.listing?.listingStatus;
  return status && NOT_SELLING.has(status) ? `eBay shows the listing ${status}` : null;
}

/**
 * One page of the account's inventory items with their offers. The token is the next page's
 * offset; null starts at the first. The offer ids found are kept for this connector's pushes.
 */
export async function readListings(
  context: EbayConnectorContext,
  pageToken: string | null,
  pageSize = INVENTORY_ITEMS_MAX_LIMIT,
  read: ReadOptions = {},
): Promise<ListingPage> {
  if (pageToken !== null && !/^\d+$/.test(pageToken)) throw new Error(`eBay readListings: ${pageToken} is not a page token this connector gave`);
  const limit = Math.min(Math.max(1, pageSize), INVENTORY_ITEMS_MAX_LIMIT);
  const offset = pageToken === null ? 0 : Number(pageToken);
  const pacer = pacerOf(context);
  await pacer.take();
  await read.beforeCall?.();
  const raw: unknown = await context.client.call("getInventoryItems", (api) => api.sell.inventory.getInventoryItems({ limit, offset }));
  const page = InventoryItemsPage.safeParse(raw);
  if (!page.success) throw new ChannelError(`eBay getInventoryItems answered in a shape not understood: ${page.error.message}`, { retryable: false });
  const listings: DiscoveredListing[] = [];
  for (const item of page.data.inventoryItems ?? []) {
    await pacer.take();
    await read.beforeCall?.();
    const offer = offerOnMarketplace(await offersOf(context, item.sku), context.marketplaceId);
    context.offerIds.set(item.sku, offer?.offerId ?? null);
    listings.push(discovered(item, offer));
  }
  return { listings, next: nextToken(page.data.next) };
}
