// TikTok's own stock of the SKUs it ships from its warehouses (Fulfilled by TikTok), from Search
// FBT Inventory (POST /fbt/202408/inventory/search): one entry per FBT goods and warehouse, with
// each of its SKUs' on_hand_detail.available_quantity. A listing's channelSku is TikTok's SKU id
// (pushes.ts), so the units are summed per SKU id over every FBT warehouse.
import { z } from "zod";
import { ChannelError, type MarketplaceStock } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { PATHS } from "./limits";

/** page_size: "The number of results to be returned per page. Valid range: [1-100]." */
export const FBT_PAGE_SIZE = 100;
/** Pages per read, our choice: 200 pages of 100 goods-and-warehouse entries. */
const MAX_PAGES = 200;

const OnHand = z.object({ available_quantity: z.number().int().optional() });
const FbtPageSchema = z.object({
  inventory: z
    .array(z.object({ goods: z.object({ skus: z.array(z.object({ id: z.string().min(1), on_hand_detail: OnHand.optional() })).optional() }).optional() }))
    .optional(),
  next_page_token: z.string().optional(),
});

export async function fetchFbtStock(client: TikTokClient, retry: RetryOptions): Promise<MarketplaceStock[]> {
  const stock = new Map<string, number>();
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string> = { page_size: String(FBT_PAGE_SIZE), ...(pageToken ? { page_token: pageToken } : {}) };
    const raw = await withRetry(() => client.request<unknown>({ method: "POST", path: PATHS.fbtInventorySearch, query, body: {} }), retry);
    const parsed = FbtPageSchema.safeParse(raw);
    if (!parsed.success) throw new ChannelError(`TikTok Shop's FBT inventory could not be read: ${parsed.error.message}`, { retryable: false });
    for (const entry of parsed.data.inventory ?? []) {
      for (const sku of entry.goods?.skus ?? []) {
        stock.set(sku.id, (stock.get(sku.id) ?? 0) + Math.max(0, sku.on_hand_detail?.available_quantity ?? 0));
      }
    }
    pageToken = parsed.data.next_page_token || undefined;
    if (!pageToken) break;
  }
  return [...stock].map(([channelSku, quantity]) => ({ channelSku, quantity }));
}
