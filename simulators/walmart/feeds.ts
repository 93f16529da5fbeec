// Bulk feeds (POST /v3/feeds?feedType=inventory|price): the file is taken at once and processed
// later, and only then does each item get its own status, as Walmart documents ("Individual SKU
// price update success or failure is only available after the entire feed is processed",
// priceBulkUploads in the prices definition). The file shapes follow the JSON examples in the
// same definitions: InventoryHeader 1.4 + Inventory[], PriceHeader 1.7 + Price[].
import { z } from "zod";
import type { WalmartAccount } from "./state";

const quantity = z.object({ unit: z.literal("EACH"), amount: z.number() });
const money = z.object({ currency: z.enum(["USD", "CAD"]), amount: z.number() });

const inventoryFeed = z.object({
  InventoryHeader: z.object({ version: z.string() }),
  Inventory: z.array(z.object({ sku: z.string().min(1), quantity })).min(1),
});

const priceFeed = z.object({
  PriceHeader: z.object({ version: z.string() }),
  Price: z
    .array(
      z.object({
        sku: z.string().min(1),
        pricing: z.array(z.object({ currentPrice: money, currentPriceType: z.enum(["BASE", "REDUCED", "CLEARANCE"]) })).min(1),
      }),
    )
    .min(1),
});

export type FeedType = "inventory" | "price";
type IngestionStatus = "INPROGRESS" | "SUCCESS" | "DATA_ERROR" | "SYSTEM_ERROR" | "TIMEOUT_ERROR";

interface IngestionError {
  type: "DATA_ERROR" | "SYSTEM_ERROR" | "TIMEOUT_ERROR";
  code: string;
  description: string;
}

export interface FeedItem {
  sku: string;
  index: number;
  outcome: Exclude<IngestionStatus, "INPROGRESS">;
  errors: IngestionError[];
  apply: () => void;
}

export interface FeedRecord {
  feedId: string;
  feedType: FeedType;
  submittedAt: number;
  processed: boolean;
  /** Set when the file itself could not be read: the whole feed ends in ERROR. */
  fileErrors: IngestionError[];
  items: FeedItem[];
}

// Error codes are ours (Walmart's per-item codes are not in the definitions); the types are Walmart's.
const unknownSku = (sku: string): IngestionError => ({ type: "DATA_ERROR", code: "ERR_PDI_0001", description: `SKU ${sku} is not set up on this account` });

function inventoryItems(account: WalmartAccount, file: z.infer<typeof inventoryFeed>): FeedItem[] {
  return file.Inventory.map((entry, index) => {
    const listing = account.listings.get(entry.sku);
    const amount = entry.quantity.amount;
    const errors = !listing
      ? [unknownSku(entry.sku)]
      : !Number.isInteger(amount) || amount < 0
        ? [{ type: "DATA_ERROR" as const, code: "ERR_PDI_0002", description: `quantity ${amount} must be a whole number of at least 0` }]
        : [];
    return { sku: entry.sku, index, outcome: errors.length ? "DATA_ERROR" : "SUCCESS", errors, apply: () => listing && (listing.quantity = amount) };
  });
}

function priceItems(account: WalmartAccount, file: z.infer<typeof priceFeed>): FeedItem[] {
  return file.Price.map((entry, index) => {
    const listing = account.listings.get(entry.sku);
    const base = entry.pricing.find((p) => p.currentPriceType === "BASE") ?? entry.pricing[0];
    const cents = Math.round(base.currentPrice.amount * 100);
    const errors = !listing ? [unknownSku(entry.sku)] : cents <= 0 ? [{ type: "DATA_ERROR" as const, code: "ERR_PDI_0003", description: "price must be above 0" }] : [];
    return { sku: entry.sku, index, outcome: errors.length ? "DATA_ERROR" : "SUCCESS", errors, apply: () => listing && (listing.priceCents = cents) };
  });
}

/** Reads a submitted feed file into items; a file that is not the documented shape fails whole. */
export function readFeedFile(account: WalmartAccount, feedType: FeedType, text: string): Pick<FeedRecord, "items" | "fileErrors"> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { items: [], fileErrors: [{ type: "DATA_ERROR", code: "ERR_EXT_DATA_0801001", description: "feed file is not valid JSON" }] };
  }
  const parsed = feedType === "inventory" ? inventoryFeed.safeParse(json) : priceFeed.safeParse(json);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return { items: [], fileErrors: [{ type: "DATA_ERROR", code: "ERR_EXT_DATA_0801002", description: `feed file does not match the ${feedType} feed: ${reasons}` }] };
  }
  const items = feedType === "inventory" ? inventoryItems(account, parsed.data as z.infer<typeof inventoryFeed>) : priceItems(account, parsed.data as z.infer<typeof priceFeed>);
  return { items, fileErrors: [] };
}

/** The getFeedItemStatus answer, with one page of item details when asked for them. */
export function feedStatusBody(feed: FeedRecord, includeDetails: boolean, offset: number, limit: number) {
  const failed = feed.processed ? feed.items.filter((i) => i.outcome !== "SUCCESS").length : 0;
  const succeeded = feed.processed ? feed.items.length - failed : 0;
  const feedStatus = feed.processed ? (feed.fileErrors.length ? "ERROR" : "PROCESSED") : "INPROGRESS";
  const body: Record<string, unknown> = {
    feedId: feed.feedId,
    feedStatus,
    feedSubmissionDate: feed.submittedAt,
    itemsReceived: feed.items.length,
    itemsSucceeded: succeeded,
    itemsFailed: failed,
    itemsProcessing: feed.processed ? 0 : feed.items.length,
    offset,
    limit,
  };
  if (feed.fileErrors.length && feed.processed) body.ingestionErrors = { ingestionError: feed.fileErrors };
  if (includeDetails) {
    body.itemDetails = {
      itemIngestionStatus: feed.items.slice(offset, offset + limit).map((item) => ({
        martId: 0,
        sku: item.sku,
        index: item.index,
        ingestionStatus: feed.processed ? item.outcome : "INPROGRESS",
        ...(feed.processed && item.errors.length ? { ingestionErrors: { ingestionError: item.errors } } : {}),
      })),
    };
  }
  return body;
}
