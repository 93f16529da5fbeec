// Amazon's own stock of the seller's FBA listings, from the FBA Inventory API v1
// getInventorySummaries (fbaInventory.json): per seller SKU, the fulfillable quantity
// (InventoryDetails.fulfillableQuantity, "the item quantity that can be picked, packed, and
// shipped"), which needs details=true. Marketplace granularity, the marketplace as its id.
import { ChannelError, type MarketplaceStock } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { SpApiClient } from "./sp-client";

/**
 * Pages per read: at getInventorySummaries' 2 per second (burst 2) and its pages of 50, 200 pages
 * are 10,000 SKUs in under two minutes. Our choice; a seller with more is read up to there.
 */
const MAX_PAGES = 200;

interface Summary {
  sellerSku?: string;
  totalQuantity?: number;
  inventoryDetails?: { fulfillableQuantity?: number };
}

interface SummariesAnswer {
  payload?: { inventorySummaries?: Summary[] };
  pagination?: { nextToken?: string };
}

export async function fetchFbaStock(client: SpApiClient, marketplaceId: string, retry: RetryOptions): Promise<MarketplaceStock[]> {
  const base = { details: "true", granularityType: "Marketplace", granularityId: marketplaceId, marketplaceIds: [marketplaceId] };
  const stock = new Map<string, number>();
  let nextToken: string | undefined;
  let restarted = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string | string[]> = nextToken ? { ...base, nextToken } : base;
    let answer: SummariesAnswer;
    try {
      answer = await withRetry(() => client.call<SummariesAnswer>({ operation: "getInventorySummaries", endpoint: "fbaInventory", query }), retry);
    } catch (error) {
      // "The string token will expire 30 seconds after being created": a wait for the rate limit
      // may outlast it. Read from the start once more (the map keeps each SKU once).
      if (!(nextToken && !restarted && error instanceof ChannelError && error.details.status === 400)) throw error;
      restarted = true;
      nextToken = undefined;
      continue;
    }
    for (const summary of answer.payload?.inventorySummaries ?? []) {
      if (!summary.sellerSku) continue;
      const quantity = summary.inventoryDetails?.fulfillableQuantity;
      stock.set(summary.sellerSku, typeof quantity === "number" && quantity > 0 ? quantity : 0);
    }
    nextToken = answer.pagination?.nextToken;
    if (!nextToken) break;
  }
  return [...stock].map(([channelSku, quantity]) => ({ channelSku, quantity }));
}
