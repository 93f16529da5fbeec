// getWFSInventory, GET /v3/fulfillment/inventory (walmart-marketplace-inventory-openapi-original.yml):
// "the current Available to Sell inventory quantities for all WFS items in your catalog", one
// entry per SKU Walmart fulfils, each with its WFS ship node (shipNodeType "WFSFulfilled";
// availToSellQty, onHandQty, modifiedDate), paged by offset/limit. The definition types both as
// strings, so their values are checked here: whole numbers, limit "Cannot be larger than 300",
// default 10, offset default 0.
//
// Walmart marks this endpoint "Legacy" and points to GET /v3/wfs/inventory (getWfsInventoryDetails),
// which no public machine-readable definition describes yet; the simulator serves the one whose
// definition is copied.
import type { WalmartAccount } from "./state";

export const WFS_PAGE_DEFAULT = 10;
export const WFS_PAGE_MAX = 300;

export type WfsListing =
  | { ok: true; body: { headers: { totalCount: number; limit: number; offset: number }; payload: { inventory: WfsInventoryEntry[] } } }
  | { ok: false; field: string; message: string };

interface WfsInventoryEntry {
  sku: string;
  shipNodes: Array<{ modifiedDate: string; availToSellQty: number; onHandQty: number; shipNodeType: "WFSFulfilled" }>;
}

function wholeNumber(raw: string | null, fallback: number): number | null {
  if (raw === null) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/**
 * Units of WFS POs Walmart has not shipped yet: on hand in its warehouse, no longer available to
 * sell. On hand is what is available plus those.
 */
function reservedUnits(account: WalmartAccount, sku: string): number {
  return account.orders
    .filter((o) => o.shipNodeType === "WFSFulfilled")
    .flatMap((o) => o.lines.filter((l) => l.sku === sku))
    .flatMap((l) => l.statuses.filter((s) => s.status === "Created" || s.status === "Acknowledged"))
    .reduce((sum, s) => sum + s.quantity, 0);
}

export function listWfsInventory(account: WalmartAccount, query: URLSearchParams): WfsListing {
  const limit = wholeNumber(query.get("limit"), WFS_PAGE_DEFAULT);
  if (limit === null || limit < 1 || limit > WFS_PAGE_MAX)
    return { ok: false, field: "limit", message: `limit ${query.get("limit")} must be a whole number from 1 to ${WFS_PAGE_MAX}` };
  const offset = wholeNumber(query.get("offset"), 0);
  if (offset === null) return { ok: false, field: "offset", message: `offset ${query.get("offset")} must be a whole number of at least 0` };
  const sku = query.get("sku");
  const items = [...account.listings.values()]
    .filter((l) => l.wfsQuantity !== undefined && (sku === null || l.sku === sku))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const inventory = items.slice(offset, offset + limit).map((l): WfsInventoryEntry => ({
    sku: l.sku,
    shipNodes: [
      {
        modifiedDate: new Date(l.wfsModifiedAt ?? Date.now()).toISOString(),
        availToSellQty: l.wfsQuantity!,
        onHandQty: l.wfsQuantity! + reservedUnits(account, l.sku),
        shipNodeType: "WFSFulfilled",
      },
    ],
  }));
  return { ok: true, body: { headers: { totalCount: items.length, limit, offset }, payload: { inventory } } };
}

/** The test's hook: Walmart's count of the item's WFS units changes (received, damaged, counted). */
export function setWfsQuantity(account: WalmartAccount, sku: string, quantity: number, at = Date.now()): void {
  const listing = account.listings.get(sku);
  if (!listing) throw new Error(`Walmart simulator: no listing ${sku} on ${account.spec.clientId}`);
  if (!Number.isInteger(quantity) || quantity < 0) throw new Error(`Walmart simulator: WFS quantity ${quantity} is not a whole number of at least 0`);
  listing.wfsQuantity = quantity;
  listing.wfsModifiedAt = at;
}
