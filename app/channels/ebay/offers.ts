// A SKU's offers on eBay: looked up for the offer id a price (and the offer's quantity) goes to,
// and read with the inventory item for the listing as eBay shows it.
import type { ListingSnapshot } from "../connector";
import { fromAmount } from "../money";
import type { EbayConnectorContext } from "./context";
import { isNotFound } from "./outcomes";

export interface OfferSummary {
  offerId?: string;
  marketplaceId?: string;
  /** FIXED_PRICE or AUCTION: "The same SKU can be offered through an auction and a fixed-price listing concurrently" (getOffers). */
  format?: string;
  availableQuantity?: number;
  status?: string;
  pricingSummary?: { price?: { value?: string; currency?: string } };
  listing?: { listingStatus?: string; listingOnHold?: boolean };
}

export async function offersOf(context: EbayConnectorContext, sku: string): Promise<OfferSummary[]> {
  const { client, marketplaceId } = context;
  try {
    const page = (await client.call("getOffers", (api) => api.sell.inventory.getOffers({ sku, marketplaceId }))) as { offers?: OfferSummary[] };
    return page.offers ?? [];
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** The SKU's offer on this marketplace, looked up once per connector when the caller did not know it. */
export async function offerIdOf(context: EbayConnectorContext, sku: string): Promise<string | null> {
  const { offerIds, marketplaceId } = context;
  if (!offerIds.has(sku)) {
    const offers = await offersOf(context, sku);
    offerIds.set(sku, (offers.find((o) => o.marketplaceId === marketplaceId) ?? offers[0])?.offerId ?? null);
  }
  return offerIds.get(sku) ?? null;
}

/** A listing shows the smaller of the item's and the offer's quantity ("Bulk updates" guide). */
export function listedQuantity(itemQuantity: number | undefined, offerQuantity: number | undefined): number | null {
  const known = [itemQuantity, offerQuantity].filter((q): q is number => typeof q === "number");
  return known.length ? Math.min(...known) : null;
}

/** The listing as eBay shows it: the inventory item's quantity and the offer's, price and status. */
export async function fetchListing(context: EbayConnectorContext, channelSku: string): Promise<ListingSnapshot | null> {
  const { client, marketplaceId } = context;
  let item: { availability?: { shipToLocationAvailability?: { quantity?: number } } };
  try {
    item = (await client.call("getInventoryItem", (api) => api.sell.inventory.getInventoryItem(channelSku))) as typeof item;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  const offers = await offersOf(context, channelSku);
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
}
