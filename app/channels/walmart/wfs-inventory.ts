// Walmart's own stock of the seller's WFS items, from getWFSInventory, GET /v3/fulfillment/inventory
// (walmart-marketplace-inventory-openapi-original.yml): per SKU, the units "available to be
// allocated to orders" (shipNodes[].availToSellQty) at its WFSFulfilled ship nodes, paged by
// offset/limit ("Cannot be larger than 300").
//
// Walmart calls this endpoint "Legacy" and recommends GET /v3/wfs/inventory; no public
// machine-readable definition of that one exists to build and test against (SOURCES.md), so this
// reads the documented one. Move when Walmart publishes it.
import { z } from "zod";
import { ChannelError, type MarketplaceStock } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";

/** getWFSInventory's `limit`: "Number of Sku to be returned. Cannot be larger than 300." */
export const WFS_PAGE_SIZE = 300;
/** Pages per read, our choice: 100 pages of 300 are 30,000 WFS items. */
const MAX_PAGES = 100;

const WfsPageSchema = z.object({
  headers: z.object({ totalCount: z.number().int().nonnegative() }).optional(),
  payload: z
    .object({
      inventory: z
        .array(
          z.object({
            sku: z.string().min(1),
            shipNodes: z.array(z.object({ availToSellQty: z.number().int().optional(), shipNodeType: z.string().optional() })).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export async function fetchWfsStock(client: WalmartClient, retry: RetryOptions): Promise<MarketplaceStock[]> {
  const stock = new Map<string, number>();
  for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
    const raw = await withRetry(
      () => client.request<unknown>({ method: "GET", path: "/v3/fulfillment/inventory", query: { limit: String(WFS_PAGE_SIZE), offset: String(offset) } }),
      retry,
    );
    const parsed = WfsPageSchema.safeParse(raw);
    if (!parsed.success) throw new ChannelError(`Walmart's WFS inventory could not be read: ${parsed.error.message}`, { retryable: false });
    const inventory = parsed.data.payload?.inventory ?? [];
    for (const item of inventory) {
      // shipNodeType: "Possible value is 'WFSFulfilled'. In later phase we will also add seller
      // fulfilled inventory": only Walmart's own nodes count.
      const units = (item.shipNodes ?? [])
        .filter((node) => (node.shipNodeType ?? "WFSFulfilled") === "WFSFulfilled")
        .reduce((sum, node) => sum + Math.max(0, node.availToSellQty ?? 0), 0);
      stock.set(item.sku, units);
    }
    offset += inventory.length;
    const total = parsed.data.headers?.totalCount;
    if (inventory.length < WFS_PAGE_SIZE || (total !== undefined && offset >= total)) break;
  }
  return [...stock].map(([channelSku, quantity]) => ({ channelSku, quantity }));
}
