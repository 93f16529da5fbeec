// Sell Inventory API v1: the operations the connector uses, on the simulator's listings.
// bulkUpdatePriceQuantity answers per SKU/offer in `responses[]` (200 when all succeeded, 207
// Multi-Status otherwise), getInventoryItem / createOrReplaceInventoryItem work on the inventory
// item record, getInventoryItems pages through all of the seller's, getOffers returns the SKU's offer.
import type { SimResponse } from "../common/http";
import { ebayErrors, type EbayError } from "./errors";
import { amount, centsOf } from "./money";
import { REVISIONS_PER_LISTING_PER_DAY, type AccountRecord, type EbaySimState, type ListingRecord } from "./state";

/** "the total 'ship-to-home' quantity of one or more inventory items (up to 25)" (BulkPriceQuantity.requests, sell_inventory_v1_oas3.json). */
export const BULK_PRICE_QUANTITY_MAX_REQUESTS = 25;
/** Product.title "Max Length: 80", Product.description "Max Length: 4000" (sell_inventory_v1_oas3.json). */
export const TITLE_MAX_LENGTH = 80;
export const DESCRIPTION_MAX_LENGTH = 4000;

/**
 * getInventoryItems `limit`: "an integer from 1 to 200 ... Default: 25"; `offset` "sets the page
 * number to retrieve. The first page of records has a value of 0, the second page of records has
 * a value of 1" (sell_inventory_v1_oas3.json 1.18.0). The simulator takes offset as the definition
 * says, a page number; each page's `next` names the next one, and readers follow it.
 */
export const INVENTORY_ITEMS_MAX_LIMIT = 200;
export const INVENTORY_ITEMS_DEFAULT_LIMIT = 25;

const DOMAIN = "API_INVENTORY";

function requestError(errorId: number, message: string, longMessage?: string): EbayError {
  return { errorId, domain: DOMAIN, category: "REQUEST", message, ...(longMessage ? { longMessage } : {}) };
}

/**
 * The Inventory API documents no errorId for the daily revision cap. 25002 ("Any User error.
 * {additionalInfo}") is the user-error id the definition lists for bulkUpdatePriceQuantity and
 * createOrReplaceInventoryItem, so the cap is reported with it and the reason in longMessage.
 */
export function revisionCapError(sku: string): EbayError {
  return requestError(
    25002,
    "Any User error.",
    `The listing for SKU ${sku} has been revised ${REVISIONS_PER_LISTING_PER_DAY} times today; it cannot be revised again until the next calendar day.`,
  );
}

interface PriceQuantityRequest {
  sku?: string;
  shipToLocationAvailability?: { quantity?: number };
  offers?: Array<{ offerId?: string; availableQuantity?: number; price?: { value?: string; currency?: string } }>;
}

interface PriceQuantityResponse {
  sku?: string;
  offerId?: string;
  statusCode: number;
  errors?: EbayError[];
  warnings?: EbayError[];
}

export interface InventoryContext {
  state: EbaySimState;
  account: AccountRecord;
}

export function bulkUpdatePriceQuantity({ state, account }: InventoryContext, body: { requests?: PriceQuantityRequest[] }): SimResponse {
  const requests = body.requests ?? [];
  if (requests.length > BULK_PRICE_QUANTITY_MAX_REQUESTS) {
    return ebayErrors(400, [requestError(25727, `The number of InventoryItems in the request cannot exceed ${BULK_PRICE_QUANTITY_MAX_REQUESTS}.`)]);
  }
  const responses: PriceQuantityResponse[] = [];
  for (const item of requests) responses.push(...updateOne(state, account, item));
  const allOk = responses.every((r) => r.statusCode === 200);
  return { status: allOk ? 200 : 207, body: { responses } };
}

/** One PriceQuantity: validated as a whole, applied as a whole, one revision of the listing. */
function updateOne(state: EbaySimState, account: AccountRecord, item: PriceQuantityRequest): PriceQuantityResponse[] {
  const offers = item.offers ?? [];
  const listing: ListingRecord | undefined = item.sku
    ? state.listingRecord(account.userId, item.sku)
    : offers[0]?.offerId
      ? state.listingByOffer(account.userId, offers[0].offerId)
      : undefined;
  const entries = (): PriceQuantityResponse[] => {
    const list: PriceQuantityResponse[] = [];
    if (item.shipToLocationAvailability) list.push({ sku: item.sku ?? listing?.sku, statusCode: 200 });
    for (const o of offers) list.push({ offerId: o.offerId, sku: item.sku ?? listing?.sku, statusCode: 200 });
    return list.length ? list : [{ sku: item.sku, statusCode: 200 }];
  };
  const fail = (statusCode: number, error: EbayError) => entries().map((e) => ({ ...e, statusCode, errors: [error] }));

  if (!listing) {
    return item.sku
      ? fail(400, requestError(25702, `SKU ${item.sku} is not available in the system`))
      : fail(400, requestError(25713, `This Offer is not available : ${offers[0]?.offerId ?? "(none)"}.`));
  }
  if (!item.shipToLocationAvailability && offers.length === 0) {
    return fail(400, requestError(25709, "Invalid request. Invalid value for field shipToLocationAvailability or offers"));
  }
  // "An issue will occur if duplicate offerId values are passed through the same offers container"
  // (bulkUpdatePriceQuantity description).
  if (new Set(offers.map((o) => o.offerId)).size < offers.length) {
    return fail(400, requestError(25709, "Invalid request. Invalid value for field offerId", "The same offerId appears more than once in offers."));
  }
  if (offers.some((o) => o.offerId !== listing.offerId)) {
    return fail(400, requestError(25754, "One or more provided offerId(s) are invalid. All offerId(s) in the request should belong to the SKU."));
  }
  const quantities = [item.shipToLocationAvailability?.quantity, ...offers.map((o) => o.availableQuantity)].filter((q) => q !== undefined);
  if (quantities.some((q) => q < 0)) return fail(400, requestError(25004, "Invalid quantity.", "Quantity must not be negative."));
  let newPriceCents: number | undefined;
  for (const o of offers) {
    if (!o.price) continue;
    const cents = centsOf(o.price.value);
    if (cents === null || o.price.currency !== listing.currency) {
      return fail(400, requestError(25003, "Invalid price.", `Price must be a positive amount in ${listing.currency}.`));
    }
    newPriceCents = cents;
  }
  if (listing.offerStatus === "PUBLISHED" && !state.takeRevision(listing)) return fail(400, revisionCapError(listing.sku));

  if (item.shipToLocationAvailability?.quantity !== undefined) listing.itemQuantity = item.shipToLocationAvailability.quantity;
  for (const o of offers) if (o.availableQuantity !== undefined) listing.offerQuantity = o.availableQuantity;
  if (newPriceCents !== undefined) listing.priceCents = newPriceCents;
  return entries();
}

function itemNotFound(sku: string): SimResponse {
  return ebayErrors(404, [requestError(25710, "We didn't find the resource/entity you are requesting. Please verify the request", `SKU ${sku}`)]);
}

/** The inventory item as getInventoryItem and getInventoryItems return it. */
function itemDocument(l: ListingRecord) {
  return {
    sku: l.sku,
    locale: "en_US",
    product: l.product,
    condition: l.condition,
    availability: { shipToLocationAvailability: { quantity: l.itemQuantity } },
  };
}

export function getInventoryItem({ state, account }: InventoryContext, sku: string): SimResponse {
  const l = state.listingRecord(account.userId, sku);
  if (!l) return itemNotFound(sku);
  return { status: 200, body: itemDocument(l) };
}

/** A whole number from a query value; null when it is something else. */
function wholeNumber(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}

/**
 * One page of the seller's inventory items (offered or not): `limit` 1-200 (default 25), `offset`
 * the page number; anything else is eBay's 25706 "You have provided invalid pagination values."
 * `size` is the number of pages and `total` of items, as InventoryItems defines them; `next` and
 * `prev` appear only when there is such a page.
 */
export function getInventoryItems({ state, account }: InventoryContext, query: URLSearchParams, origin: string): SimResponse {
  const limit = wholeNumber(query.get("limit") ?? String(INVENTORY_ITEMS_DEFAULT_LIMIT));
  const offset = wholeNumber(query.get("offset") ?? "0");
  if (limit === null || limit < 1 || limit > INVENTORY_ITEMS_MAX_LIMIT) {
    return ebayErrors(400, [
      requestError(25706, `You have provided invalid pagination values. limit must be an integer from 1 to ${INVENTORY_ITEMS_MAX_LIMIT}.`),
    ]);
  }
  if (offset === null) return ebayErrors(400, [requestError(25706, "You have provided invalid pagination values. offset must be an integer of 0 or more.")]);
  const items = state.listingsOf(account.userId);
  const pages = Math.ceil(items.length / limit);
  const pageUrl = (page: number) => `${origin}/sell/inventory/v1/inventory_item?limit=${limit}&offset=${page}`;
  return {
    status: 200,
    body: {
      href: pageUrl(offset),
      inventoryItems: items.slice(offset * limit, (offset + 1) * limit).map(itemDocument),
      limit,
      ...(offset + 1 < pages ? { next: pageUrl(offset + 1) } : {}),
      ...(offset > 0 && pages > 0 ? { prev: pageUrl(Math.min(offset, pages) - 1) } : {}),
      size: pages,
      total: items.length,
    },
  };
}

interface InventoryItemBody {
  availability?: { shipToLocationAvailability?: { quantity?: number } };
  condition?: string;
  product?: Record<string, unknown>;
}

export function createOrReplaceInventoryItem({ state, account }: InventoryContext, sku: string, body: InventoryItemBody): SimResponse {
  const l = state.listingRecord(account.userId, sku);
  // Creating new items (and publishing offers for them) is outside what the app does.
  if (!l) return ebayErrors(400, [requestError(25702, `SKU ${sku} is not available in the system`)]);
  const product = body.product ?? {};
  if (typeof product.title === "string" && product.title.length > TITLE_MAX_LENGTH) {
    return ebayErrors(400, [requestError(25016, "Invalid product.title.", `The title must be at most ${TITLE_MAX_LENGTH} characters.`)]);
  }
  if (typeof product.description === "string" && product.description.length > DESCRIPTION_MAX_LENGTH) {
    return ebayErrors(400, [requestError(25016, "Invalid product.description.", `The description must be at most ${DESCRIPTION_MAX_LENGTH} characters.`)]);
  }
  if (l.offerStatus === "PUBLISHED" && !state.takeRevision(l)) return ebayErrors(400, [revisionCapError(sku)]);
  // "createOrReplace": the body is the whole item. Leaving out availability loses the quantity,
  // exactly as ShipToLocationAvailability.quantity warns.
  l.product = product;
  if (body.condition) l.condition = body.condition;
  l.itemQuantity = body.availability?.shipToLocationAvailability?.quantity ?? 0;
  return { status: 204 };
}

export function getOffers({ state, account }: InventoryContext, query: URLSearchParams): SimResponse {
  const sku = query.get("sku");
  if (!sku) return ebayErrors(400, [requestError(25709, "Invalid request. Invalid value for field sku")]);
  const l = state.listingRecord(account.userId, sku);
  const marketplace = query.get("marketplace_id");
  if (!l?.offered || (marketplace && marketplace !== l.marketplaceId)) {
    return ebayErrors(404, [requestError(25713, `This Offer is not available : ${sku}.`)]);
  }
  const offer = {
    offerId: l.offerId,
    sku: l.sku,
    marketplaceId: l.marketplaceId,
    format: "FIXED_PRICE",
    availableQuantity: l.offerQuantity,
    categoryId: "20625",
    pricingSummary: { price: amount(l.priceCents, l.currency) },
    // listingOnHold: "Once a listing is fixed, this boolean will no longer be returned" (ListingDetails).
    listing: {
      listingId: l.listingId,
      ...(l.onHold ? { listingOnHold: true } : {}),
      listingStatus: state.listingStatus(l),
      soldQuantity: soldQuantity(state, l),
    },
    status: l.offerStatus,
  };
  return { status: 200, body: { href: `/sell/inventory/v1/offer?sku=${encodeURIComponent(sku)}`, limit: 25, offers: [offer], size: 1, total: 1 } };
}

function soldQuantity(state: EbaySimState, l: ListingRecord): number {
  return state.orders.filter((o) => o.userId === l.userId && o.sku === l.sku && !o.cancelled).reduce((sum, o) => sum + o.quantity, 0);
}
