// getAllItems, GET /v3/items (walmart-marketplace-items-openapi-original.yml, Item Management): the
// seller's whole catalog, one ItemResponse entry per SKU with its GTIN, name, price and statuses,
// paged by `nextCursor` ("Used for pagination when more than 200 items are retrieved", default
// "*") and `limit`. The definition types both as strings, so their values are checked here:
// `limit` a whole number, default 20, and "It cannot be more than 50 entities"; an unknown cursor
// is refused rather than read as the first page, so a connector that loses its place finds out.
// The item carries no quantity: Walmart keeps that in the Inventory API (GET /v3/inventory).
import type { UnpublishedStatus, WalmartAccount, WalmartListing } from "./state";

export const ITEMS_PAGE_DEFAULT = 20;
export const ITEMS_PAGE_MAX = 50;
/** The definition's default nextCursor: the first page. */
export const FIRST_CURSOR = "*";

export type ItemsListing =
  { ok: true; body: { ItemResponse: WalmartItem[]; totalItems: number; nextCursor?: string } } | { ok: false; field: string; message: string };

export interface WalmartItem {
  mart: "WALMART_US";
  sku: string;
  condition: string;
  wpid: string;
  gtin: string;
  productName: string;
  productType: string;
  price: { currency: "USD"; amount: number };
  publishedStatus: "PUBLISHED" | UnpublishedStatus;
  unpublishedReasons?: { reason: string[] };
  lifecycleStatus: "ACTIVE";
}

/** publishedStatus and, when unpublished, unpublishedReasons, as getAllItems and getAnItem show them. */
export function publication(listing: WalmartListing): Pick<WalmartItem, "publishedStatus" | "unpublishedReasons"> {
  if (!listing.unpublished) return { publishedStatus: "PUBLISHED" };
  return { publishedStatus: listing.unpublished.status, unpublishedReasons: { reason: [...listing.unpublished.reasons] } };
}

// The cursor names the SKU after which the next page starts: opaque to callers (base64url), and
// stable while items are added or retired between pages, as Walmart's is meant to be.
export const cursorFor = (afterSku: string) => Buffer.from(`after:${afterSku}`).toString("base64url");
export function skuAfter(cursor: string): string | null {
  const decoded = Buffer.from(cursor, "base64url").toString();
  return decoded.startsWith("after:") ? decoded.slice("after:".length) : null;
}

/** A made-up Walmart Product ID, stable per SKU (Walmart's are 12-13 uppercase letters and digits). */
function wpidOf(sku: string): string {
  let hash = 7;
  for (const c of sku) hash = (hash * 131 + c.charCodeAt(0)) % 36 ** 10;
  return `0${hash.toString(36).toUpperCase().padStart(10, "0")}`;
}

export function listItems(account: WalmartAccount, query: URLSearchParams): ItemsListing {
  const rawLimit = query.get("limit");
  const limit = rawLimit === null ? ITEMS_PAGE_DEFAULT : /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= ITEMS_PAGE_MAX))
    return { ok: false, field: "limit", message: `limit ${rawLimit} must be a whole number from 1 to ${ITEMS_PAGE_MAX}` };
  const cursor = query.get("nextCursor") ?? FIRST_CURSOR;
  const after = cursor === FIRST_CURSOR ? "" : skuAfter(cursor);
  if (after === null) return { ok: false, field: "nextCursor", message: `nextCursor ${cursor} is not one this API handed out` };
  const sku = query.get("sku");
  const all = [...account.listings.values()].filter((l) => sku === null || l.sku === sku).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const rest = all.filter((l) => l.sku > after);
  const page = rest.slice(0, limit);
  const items = page.map((l): WalmartItem => ({
    mart: "WALMART_US",
    sku: l.sku,
    condition: "New",
    wpid: wpidOf(l.sku),
    gtin: l.gtin,
    productName: l.content.productName,
    productType: l.productType,
    price: { currency: "USD", amount: l.priceCents / 100 },
    ...publication(l),
    lifecycleStatus: "ACTIVE",
  }));
  const more = rest.length > page.length;
  return { ok: true, body: { ItemResponse: items, totalItems: all.length, ...(more ? { nextCursor: cursorFor(page[page.length - 1].sku) } : {}) } };
}
