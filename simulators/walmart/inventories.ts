// getMultiNodeInventoryForAllSkuAndAllShipNodes, GET /v3/inventories
// (walmart-marketplace-inventory-openapi-original.yml): "the inventory count for all of a seller's
// items across all ship nodes", zero or not, one entry per SKU with its nodes, paged by `limit`
// ("The number of items returned. Cannot be more than 50", default '10') and `nextCursor` ("String
// returned from initial API call ... Specify nextCursor value to retrieve the next 50 items"),
// answered in meta.nextCursor. The definition types limit as a string, so its value is checked
// here (a whole number 1-50, else 400); an unknown cursor is refused rather than read as the first
// page. The seller's one ship node holds the listing's quantity: inputQty what the seller set,
// availToSellQty the same (the simulator reserves nothing for unshipped orders).
import { cursorFor, skuAfter } from "./items";
import type { WalmartAccount } from "./state";

export const INVENTORIES_PAGE_DEFAULT = 10;
export const INVENTORIES_PAGE_MAX = 50;
/** The simulated seller's one ship node (Walmart's ids are 18 digits, as in the definition's example). */
export const SHIP_NODE = "361451354333223041";

interface Quantity {
  unit: "EACH";
  amount: number;
}
export interface InventoriesBody {
  meta: { totalCount: number; nextCursor?: string };
  elements: { inventories: Array<{ sku: string; nodes: Array<{ shipNode: string; inputQty: Quantity; availToSellQty: Quantity; reservedQty: Quantity }> }> };
}

export type InventoriesListing = { ok: true; body: InventoriesBody } | { ok: false; field: string; message: string };

export function listInventories(account: WalmartAccount, query: URLSearchParams): InventoriesListing {
  const rawLimit = query.get("limit");
  const limit = rawLimit === null ? INVENTORIES_PAGE_DEFAULT : /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= INVENTORIES_PAGE_MAX))
    return { ok: false, field: "limit", message: `limit ${rawLimit} must be a whole number from 1 to ${INVENTORIES_PAGE_MAX}` };
  const cursor = query.get("nextCursor");
  const after = cursor === null ? "" : skuAfter(cursor);
  if (after === null) return { ok: false, field: "nextCursor", message: `nextCursor ${cursor} is not one this API handed out` };
  const all = [...account.listings.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const rest = all.filter((l) => l.sku > after);
  const page = rest.slice(0, limit);
  const each = (amount: number): Quantity => ({ unit: "EACH", amount });
  const inventories = page.map((l) => ({
    sku: l.sku,
    nodes: [{ shipNode: SHIP_NODE, inputQty: each(l.quantity), availToSellQty: each(l.quantity), reservedQty: each(0) }],
  }));
  const more = rest.length > page.length;
  return {
    ok: true,
    body: { meta: { totalCount: all.length, ...(more ? { nextCursor: cursorFor(page[page.length - 1].sku) } : {}) }, elements: { inventories } },
  };
}
