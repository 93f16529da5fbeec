// Bulk feeds (POST /v3/feeds?feedType=inventory|price|MP_MAINTENANCE): the file is taken at once and processed
// later, and only then does each item get its own status, as Walmart documents ("Individual SKU
// price update success or failure is only available after the entire feed is processed",
// priceBulkUploads in the prices definition). The file shapes follow the JSON examples in the
// same definitions: InventoryHeader 1.4 + Inventory[], PriceHeader 1.7 + Price[]. The item
// maintenance feed follows item spec 5.0 (see itemMaintenanceFeed below).
import { z } from "zod";
import type { WalmartAccount, WalmartItemContent } from "./state";

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

/**
 * MP_MAINTENANCE, item spec 5.0: MPItemFeedHeader { businessUnit, locale, version } and per item
 * Orderable { sku, productIdentifiers } with Visible.<product type> holding the attributes to
 * change ("item maintenance requires only the SKU and GTIN attributes. ... If you leave an
 * attribute blank, there will be no change to the content", Walmart, "Update my existing items").
 * Its definition (itemBulkUploads) is not among the copied contracts, so the shape is checked
 * here by hand for the attributes Anchorline sends; anything else under Visible is refused.
 */
const visibleAttributes = z
  .object({
    productName: z.string().min(1).optional(),
    brand: z.string().min(1).optional(),
    shortDescription: z.string().min(1).optional(),
    keyFeatures: z.array(z.string().min(1)).min(1).optional(),
    mainImageUrl: z.string().url().optional(),
    productSecondaryImageURL: z.array(z.string().url()).optional(),
  })
  .strict();

const itemMaintenanceFeed = z.object({
  MPItemFeedHeader: z.object({
    businessUnit: z.literal("WALMART_US"),
    locale: z.string().min(2),
    version: z.string().regex(/^5\./, "must be an item spec 5.x version"),
  }),
  MPItem: z
    .array(
      z.object({
        Orderable: z
          .object({
            sku: z.string().min(1),
            productIdentifiers: z.object({ productIdType: z.enum(["GTIN", "UPC", "EAN", "ISBN"]), productId: z.string().regex(/^\d{8,14}$/) }),
          })
          .passthrough(),
        Visible: z.record(z.string(), visibleAttributes).optional(),
      }),
    )
    .min(1),
});

export type FeedType = "inventory" | "price" | "MP_MAINTENANCE";
export const ITEM_FEED_TYPES: ReadonlySet<string> = new Set(["MP_MAINTENANCE"]);
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
    const errors = !listing
      ? [unknownSku(entry.sku)]
      : cents <= 0
        ? [{ type: "DATA_ERROR" as const, code: "ERR_PDI_0003", description: "price must be above 0" }]
        : [];
    return { sku: entry.sku, index, outcome: errors.length ? "DATA_ERROR" : "SUCCESS", errors, apply: () => listing && (listing.priceCents = cents) };
  });
}

const asGtin14 = (id: string) => id.padStart(14, "0");

function itemMaintenanceItems(account: WalmartAccount, file: z.infer<typeof itemMaintenanceFeed>): FeedItem[] {
  return file.MPItem.map((entry, index) => {
    const sku = entry.Orderable.sku;
    const listing = account.listings.get(sku);
    const sections = Object.entries(entry.Visible ?? {});
    const errors: IngestionError[] = [];
    if (!listing) errors.push(unknownSku(sku));
    else {
      // Codes ours; Walmart refuses a maintenance item whose identifier or product type is not the item's.
      if (asGtin14(entry.Orderable.productIdentifiers.productId) !== asGtin14(listing.gtin)) {
        errors.push({
          type: "DATA_ERROR",
          code: "ERR_PDI_0004",
          description: `productId ${entry.Orderable.productIdentifiers.productId} is not the GTIN of SKU ${sku}`,
        });
      }
      const foreign = sections.filter(([productType]) => productType !== listing.productType).map(([productType]) => productType);
      if (foreign.length)
        errors.push({ type: "DATA_ERROR", code: "ERR_PDI_0005", description: `SKU ${sku} is a ${listing.productType}, not ${foreign.join(", ")}` });
    }
    const changes: Partial<WalmartItemContent> = Object.assign({}, ...sections.map(([, attributes]) => attributes));
    return { sku, index, outcome: errors.length ? "DATA_ERROR" : "SUCCESS", errors, apply: () => listing && Object.assign(listing.content, changes) };
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
  const readers = {
    inventory: (data: unknown) => inventoryItems(account, data as z.infer<typeof inventoryFeed>),
    price: (data: unknown) => priceItems(account, data as z.infer<typeof priceFeed>),
    MP_MAINTENANCE: (data: unknown) => itemMaintenanceItems(account, data as z.infer<typeof itemMaintenanceFeed>),
  };
  const schemas = { inventory: inventoryFeed, price: priceFeed, MP_MAINTENANCE: itemMaintenanceFeed };
  const parsed = schemas[feedType].safeParse(json);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return {
      items: [],
      fileErrors: [{ type: "DATA_ERROR", code: "ERR_EXT_DATA_0801002", description: `feed file does not match the ${feedType} feed: ${reasons}` }],
    };
  }
  return { items: readers[feedType](parsed.data), fileErrors: [] };
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
